# English: the catalog every other one is checked against. Messages whose id
# starts with "app-" are the staff app's (English and Spanish); every other
# message is read by patients and exists in every catalog.

## Languages, each by its own name (menus list them so)
language-en = English
language-es = Español
language-zh-Hans = 中文（简体）

## Dates, times and amounts
month-short-1 = Jan
month-short-2 = Feb
month-short-3 = Mar
month-short-4 = Apr
month-short-5 = May
month-short-6 = Jun
month-short-7 = Jul
month-short-8 = Aug
month-short-9 = Sep
month-short-10 = Oct
month-short-11 = Nov
month-short-12 = Dec
# "Nov 26, 2026"
date-medium = { $month-short } { $day }, { $year }
# "9:30 AM"
time-short = { $hour12 }:{ $minute } { $ampm }
time-am = AM
time-pm = PM
date-time = { $date }, { $time }
# "$1,234.50"
amount = { $symbol }{ $number }
number-decimal = .
number-group = ,

## The discharge receipt
receipt-your-clinic = Your clinic
receipt-no-name = (name not in the record)
receipt-phone = Phone { $phone }
receipt-copy = COPY
receipt-title = Your visit record code
receipt-patient = Patient: { $name }
receipt-visit = Visit: { $date }
receipt-replaces = This code replaces code { $old }, which no longer works.
receipt-how = To add this visit to your HealthJibe account, scan the code or open { $url } and type the code above, then sign in. The code works once, until { $expires }.
receipt-health-apps = Health apps that read SMART Health Links can scan the same code to get this visit.
receipt-amount-due = Amount due: { $amount }
receipt-reference = Reference: { $reference }
receipt-due-by = Due by { $date }
receipt-pay-online = You can pay from your phone after you redeem the code.
receipt-pay-at-clinic = Please pay this bill at { $clinic }.
receipt-issued = Issued { $when }
receipt-passcode-title = Passcode for your health apps
receipt-passcode-ask = A health app that scans code { $code } asks for this passcode:
receipt-passcode-keep = Keep it apart from the receipt. After a few wrong tries the link stops working; the code itself still does.

## The email with the receipt
email-subject = Your visit record code from { $clinic }
email-body =
    Hello,

    This is your visit record code from { $clinic }:

    {"    "}{ $code }

    To add the visit to your HealthJibe account, open { $url } and type the code, then sign in. The code works once, until { $expires }.

    The attached PDF is your discharge receipt with the same code.

    { $clinic }

## The gateway's pages for patients
page-language = Language
page-get-record = Get your visit record
page-enter-help = Type the RAZCODE on your discharge receipt. Dashes, spaces and upper or lower case do not matter.
page-continue = Continue
page-not-a-code = That is not a RAZCODE. Check the code on your receipt.
page-not-found-title = Code not found
page-not-found = There is no record with this code. Check each character on your receipt.
page-try-again-title = Try again
page-try-again = Something went wrong. Try again in a minute.
page-too-many-title = Too many attempts
page-too-many = Too many codes that do not exist were tried from this connection. Wait 15 minutes, then type the code again carefully, or ask the clinic for a new one.
page-withdrawn-title = The clinic withdrew this code
page-withdrawn = The clinic withdrew code { $code }, and its record is no longer here. If you need your visit record, contact the clinic: they can give you a new code.
page-claim = Code { $code } holds your visit record. Sign in to HealthJibe to add it to your account. The code can be used until { $date }.
page-bound = This code was issued to one HealthJibe account: sign in with the account you linked at the clinic.
page-wrong-account = This code was issued to a different HealthJibe account. Sign in with the account you linked at the clinic.
page-bill-paid = This visit has a bill of { $amount }. It is paid.
page-bill-due = This visit has a bill of { $amount }. After you sign in you can see it and how to pay it.
page-signin-get = Sign in and get my record
page-signup-get = Create account and get my record
page-claimed-title = Already claimed
page-claimed = The record for code { $code } was already added to a HealthJibe account on { $date }. If that was not you, contact the clinic.
page-claimed-now = Someone claimed this code a moment ago. If that was not you, contact the clinic.
page-expired-title = This code has expired
page-expired = Code { $code } expired on { $date }: codes can be used for 30 days. Ask the clinic for a new one.
page-email = Email
page-password = Password
page-signup-legend = New to HealthJibe? Create an account
page-your-name = Your name
page-new-password = Password (at least { $min } characters)
page-password-again = Password again
page-record-title = Your visit record
page-record-added = This record is now in your HealthJibe account (code { $code }).
page-record-patient = Patient
page-record-birth = Date of birth
page-record-gender = Gender
page-record-visit = Visit
page-record-from = From
page-record-sections = Sections
page-record-measurement = Measurement
page-record-values = Values
page-record-when = When
page-record-unreadable = The record could not be shown here; download it below.
page-record-download = Download the record as the clinic sent it
page-record-fhir = Download it for health apps (FHIR R4)
page-record-delete = Delete this record from my account
page-record-deleted-title = Record deleted
page-record-deleted = You deleted the record of code { $code } from your account.
page-record-delete-failed = The record could not be deleted. Try again in a minute.
page-fhir-unavailable-title = Not available
page-fhir-unavailable = This record cannot be converted for health apps; download it as the clinic sent it.
