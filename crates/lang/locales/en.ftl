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

## The staff app (English and Spanish)
app-80-mm-thermal = 80 mm thermal
app-a-gateway-runs-inside-the-app-with-a-demo-practi = A gateway runs inside the app with a demo practice and sample visits. Nothing leaves this computer; no network is needed.
app-about = About
app-about-razcode-desk = About RAZCODE Desk
app-actions = Actions
app-activate = Activate
app-activate-again = Activate again…
app-add-to-the-worklist = Add to the worklist
app-address = Address
app-all-days = All days
app-amount = Amount
app-api-base-url = API base URL
app-approval-platform-base-url = Approval (platform) base URL
app-attempts = Attempts
app-barcode = Barcode
app-bill = Bill
app-cancel = Cancel
app-ccr-full-visit = CCR (full visit)
app-change-gateway = Change gateway…
app-charge = Charge
app-clinic-printed-on-receipts = Clinic (printed on receipts)
app-clinic-s-ca-certificate-pem-file-empty-the-syste = Clinic's CA certificate (PEM file; empty: the system's)
app-clinic-setting = Clinic setting
app-close = Close
app-code = Code
app-code-patient = code, patient
app-consumer-key = Consumer key
app-consumer-secret = Consumer secret
app-currency = Currency
app-data-folder = Data folder
app-date-of-birth = Date of birth
app-description = Description
app-diastolic-mm-hg = Diastolic (mm Hg)
app-dismiss-the-message = Dismiss the message
app-done-esc = Done (Esc)
app-drop-ccr-ccd-or-omhe-files-anywhere-on-this-wind = Drop CCR, CCD or OMHE files anywhere on this window to import them.
app-due-date = Due date
app-email-ctrl-e = Email (Ctrl+E)
app-email-smtp = Email (SMTP)
app-email-to = Email to
app-encounter = Encounter
app-family-name = Family name
app-female = Female
app-fonts-in-receipts = Fonts in receipts
app-format = Format
app-from = From
app-gateway = Gateway
app-gateway-s-tag-image = Gateway's Tag image
app-gateway-s-tag-image-no-reader-app-exists-today = Gateway's Tag image (no reader app exists today)
app-gender = Gender
app-given-name = Given name
app-go-to-the-worklist = Go to the worklist
app-healthjibe-base-url = HealthJibe base URL
app-history = History
app-import-files = Import files…
app-in-the-qr-code = In the QR code
app-in-the-qr-code-with-a-passcode = In the QR code, with a passcode
app-language = Language
app-last-problem = Last problem
app-letter = Letter
app-link-healthjibe-account = Link HealthJibe account
app-logo-png-or-jpeg = Logo (PNG or JPEG)
app-male = Male
app-name = Name
app-none = None
app-none-this-computer-only = None (this computer only)
app-notes-and-plan = Notes and plan
app-nothing-waits = Nothing waits.
app-nothing-waits-today-import-a-file-drop-one-here = Nothing waits today. Import a file, drop one here, use quick entry, or tick "All days".
app-off = Off
app-office-visit = Office visit
app-omhe-readings-only = OMHE (readings only)
app-on-health-apps-can-scan-the-qr-code = On: health apps can scan the QR code
app-on-with-a-passcode-printed-separately = On, with a passcode printed separately
app-only-this-patient-s-account-may-claim-the-code = Only this patient's account may claim the code
app-other = Other
app-outbox = Outbox
app-password = Password
app-patient = Patient
app-patient-mrn-date = patient, MRN, date
app-patient-or-address = Patient or address
app-payment-optional = Payment (optional)
app-phone = Phone
app-port = Port
app-print-a-test-page = Print a test page
app-print-ctrl-p = Print (Ctrl+P)
app-printer = Printer
app-pulse-min = Pulse (/min)
app-put-a-smart-health-link-on-receipts = Put a SMART Health Link on receipts
app-qr-code-any-phone-camera-reads-it = QR code (any phone camera reads it)
app-qr-code-drawn-here = QR code drawn here
app-reason-for-visit = Reason for visit
app-reason-kept-with-the-code = Reason (kept with the code)
app-receipt-and-email-language = Receipt and email language
app-receipts = Receipts
app-receipts-and-emails-when-the-patient-has-none = Receipts and emails, when the patient has none
app-record = Record
app-records = Records
app-reference = Reference
app-refresh-states = Refresh states
app-same-as-the-api-when-empty = same as the API when empty
app-save-and-continue = Save and continue
app-save-pdf = Save PDF
app-save-settings = Save settings
app-search = Search
app-security = Security
app-send-again-now = Send again now
app-send-the-verifier = Send the verifier
app-server = Server
app-settings = Settings
app-skip-to-content = Skip to content
app-smart-health-link = SMART Health Link
app-stage-and-show-the-code-enter = Stage and show the code (Enter)
app-start-the-sandbox = Start the sandbox
app-state = State
app-systolic-mm-hg = Systolic (mm Hg)
app-temperature-c = Temperature (°C)
app-the-browser-is-on-another-computer-i-will-type-t = The browser is on another computer: I will type the verifier the page shows
app-the-clinic-s-setting-qr-code-unless-changed-in-s = The clinic's setting (QR code unless changed in Settings)
app-the-code-stops-working-at-once-and-the-gateway-e = The code stops working at once and the gateway erases its record. This cannot be undone.
app-the-gateway-s-approval-page-opens-in-your-browse = The gateway's approval page opens in your browser. Sign in as the practice and approve this desk.
app-the-patient-approves-in-the-browser = The patient approves in the browser:
app-this-app = This app
app-today-unclaimed-first = Today, unclaimed first
app-try-the-sandbox = Try the sandbox
app-unknown = Unknown
app-unpaid-bills = Unpaid bills
app-user = User
app-visit = Visit
app-void-this-code = Void this code
app-watched-folder-records-the-ehr-exports-there-are = Watched folder (records the EHR exports there are imported; empty: none)
app-weight-kg = Weight (kg)
app-what = What
app-what-could-not-reach-the-gateway-or-the-mail-ser = What could not reach the gateway or the mail server waits here, and is sent again with the same key: an encounter is never staged twice.
app-what-will-be-sent = What will be sent
app-when = When
app-worklist = Worklist
app-worklist-esc = ← Worklist (Esc)
app-your-gateway-s-operator-gives-you-these = Your gateway's operator gives you these.
app-activate-this-practice = Activate this practice
app-approval-page-opened-in-your-browser-select-to-o = Approval page (opened in your browser; select to open it again):
app-codes-issued = Codes issued
app-connect-to-a-razcode-gateway = Connect to a RAZCODE gateway
app-crates = Crates
app-encounters-today-s-and-older-ones-without-a-code = Encounters: today's, and older ones without a code
app-patient-s-healthjibe-account = Patient's HealthJibe account
app-quick-entry = Quick entry
app-razcode-for = RAZCODE for
app-verifier-shown-on-the-approval-page = Verifier shown on the approval page
app-version = Version
app-void-the-code = Void the code
app-waiting = Waiting
app-welcome-how-should-this-desk-start = Welcome. How should this desk start?
app-staging-with-the-gateway = Staging with the gateway…
app-receipt-sent-to-the-printer = Receipt sent to the printer
app-receipt-emailed-to = Receipt emailed to
app-receipt-saved = Receipt saved:
app-valid-until = Valid until
app-amount-due = Amount due:
app-settings-saved = Settings saved.
app-not-activated = Not activated
app-sandbox = Sandbox
