//! `application/x-www-form-urlencoded` bodies and queries.
//!
//! The record is the whole body of every stage and comes form-encoded with
//! about a third of its bytes as `%XY` escapes, so decoding it is on the hot
//! path: runs between escapes are found a machine word at a time, without a
//! branch per byte.

/// Pairs as the WHATWG URL standard (and `form_urlencoded::parse`) reads them:
/// `+` is a space, `%XY` a byte, a broken escape stays as written, invalid
/// UTF-8 becomes U+FFFD.
pub fn parse_form(body: &[u8]) -> Vec<(String, String)> {
    body.split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = match pair.iter().position(|&b| b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &pair[..0]),
            };
            (decode(name), decode(value))
        })
        .collect()
}

/// The value of each hex digit; 0xFF for every other byte.
const HEX_VALUE: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = match i as u8 {
            b @ b'0'..=b'9' => b - b'0',
            b @ b'a'..=b'f' => b - b'a' + 10,
            b @ b'A'..=b'F' => b - b'A' + 10,
            _ => 0xFF,
        };
        i += 1;
    }
    t
};

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);

/// The high bit of the first byte of `word` (read little-endian) equal to
/// `byte` is set; bytes after it may be marked too (a borrow runs on), which
/// is why only the lowest mark is ever used.
fn marks(word: u64, byte: u8) -> u64 {
    let x = word ^ (ONES * u64::from(byte));
    x.wrapping_sub(ONES) & !x & HIGHS
}

fn decode(s: &[u8]) -> String {
    // Eight spare bytes: whole words are stored and only the counted part kept.
    let mut out = vec![0u8; s.len() + 8];
    let (mut i, mut n) = (0, 0);
    while let Some(chunk) = s[i..].first_chunk::<8>() {
        let word = u64::from_le_bytes(*chunk);
        let special = marks(word, b'%') | marks(word, b'+');
        let run = (special.trailing_zeros() / 8) as usize;
        out[n..n + 8].copy_from_slice(chunk);
        i += run;
        n += run;
        if run < 8 {
            let (b, used) = unescape(s, i);
            out[n] = b;
            i += used;
            n += 1;
        }
    }
    while i < s.len() {
        let (b, used) = unescape(s, i);
        out[n] = b;
        i += used;
        n += 1;
    }
    out.truncate(n);
    match String::from_utf8(out) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

/// The byte at `s[i]` decoded, and how many input bytes it took.
fn unescape(s: &[u8], i: usize) -> (u8, usize) {
    match s[i] {
        b'+' => (b' ', 1),
        b'%' => {
            let digit = |j: usize| s.get(j).map_or(0xFF, |&d| HEX_VALUE[usize::from(d)]);
            let (h, l) = (digit(i + 1), digit(i + 2));
            if (h | l) < 16 {
                (h << 4 | l, 3)
            } else {
                (b'%', 1)
            }
        }
        b => (b, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_form;
    use rand::Rng;

    fn agrees(input: &[u8]) {
        let want: Vec<(String, String)> = form_urlencoded::parse(input).into_owned().collect();
        assert_eq!(
            parse_form(input),
            want,
            "{}",
            String::from_utf8_lossy(input)
        );
    }

    /// The same pairs as `form_urlencoded::parse` for awkward inputs.
    #[test]
    fn parse_form_reads_like_form_urlencoded() {
        let cases: [&[u8]; 14] = [
            b"",
            b"a=1&b=2",
            b"her=%3CContinuityOfCareRecord+xmlns%3D%22urn%3Aastm%22%3E",
            b"a&&b=&=c&d==e",
            b"x=%zz%4&y=%E2%82%AC&z=%e2%82%ac",
            b"bad=%FF%FE&ok=%C3%A9",
            b"plus=a+b%2Bc",
            b"tail=%",
            b"tail2=%4",
            b"emoji=%F0%9F%98%80",
            b"raw=\xc3\xa9\xff",
            b"k%3Dk=v%26v",
            b"long=abcdefghijklmnopqrstuvwxyz%41%42+%%%41%4%4G1234567",
            b"edge=1234567%4",
        ];
        for c in cases {
            agrees(c);
        }
    }

    /// Random bodies over the bytes that matter, every length up to a few
    /// words, so that escapes fall across and at the ends of words.
    #[test]
    fn random_bodies_read_like_form_urlencoded() {
        const ALPHABET: &[u8] = b"%%%++aZ09fF=&\xc3\xa9\xff";
        let mut rng = rand::rng();
        for len in 0..40 {
            for _ in 0..200 {
                let body: Vec<u8> = (0..len)
                    .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())])
                    .collect();
                agrees(&body);
            }
        }
    }
}
