-- Version 10 (protocol v1.2): the SMART Health Link manifest the gateway
-- reserved with each code (`shl_url`), sealed like the code (place
-- reserved_codes.shl_url_sealed, row key `slot`); none from a gateway that
-- offers no links for offline codes.
ALTER TABLE reserved_codes ADD COLUMN shl_url_sealed BLOB;
