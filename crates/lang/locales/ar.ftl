# العربية: كل الرسائل التي يقرؤها المريض (رسائل "app-" لتطبيق الموظفين تعود إلى الإنجليزية).

## اللغات (كل لغة باسمها)
language-en = English
language-es = Español
language-zh-Hans = 中文（简体）
language-vi = Tiếng Việt
language-ar = العربية

## التواريخ والأوقات والمبالغ
month-short-1 = يناير
month-short-2 = فبراير
month-short-3 = مارس
month-short-4 = أبريل
month-short-5 = مايو
month-short-6 = يونيو
month-short-7 = يوليو
month-short-8 = أغسطس
month-short-9 = سبتمبر
month-short-10 = أكتوبر
month-short-11 = نوفمبر
month-short-12 = ديسمبر
# "26 نوفمبر 2026"
date-medium = { $day } { $month-short } { $year }
# "9:30 ص"
time-short = { $hour12 }:{ $minute } { $ampm }
time-am = ص
time-pm = م
date-time = { $date }، { $time }
# "1,234.50 US$", isolated (LRI … PDI) so that it reads left to right as a
# whole inside Arabic text, where "US" alone would pull the sign out of place.
amount = ⁦{ $number } { $symbol }⁩
number-decimal = .
number-group = ,

## إيصال الخروج
receipt-your-clinic = عيادتك
receipt-no-name = (الاسم غير موجود في السجل)
receipt-phone = الهاتف { $phone }
receipt-copy = نسخة
receipt-title = رمز سجل زيارتك
receipt-patient = المريض: { $name }
receipt-visit = الزيارة: { $date }
receipt-replaces = هذا الرمز يحل محل الرمز { $old }، الذي لم يعد يعمل.
receipt-how = لإضافة هذه الزيارة إلى حسابك في HealthJibe، امسح الرمز أو افتح { $url } واكتب الرمز أعلاه، ثم سجّل الدخول. يعمل الرمز مرة واحدة، حتى { $expires }.
receipt-health-apps = يمكن لتطبيقات الصحة التي تقرأ روابط SMART Health Links مسح الرمز نفسه للحصول على هذه الزيارة.
receipt-amount-due = المبلغ المستحق: { $amount }
receipt-reference = المرجع: { $reference }
receipt-due-by = يستحق في { $date }
receipt-pay-online = يمكنك الدفع من هاتفك بعد استخدام الرمز.
receipt-pay-at-clinic = يرجى دفع هذه الفاتورة في { $clinic }.
receipt-issued = صدر في { $when }
receipt-passcode-title = رمز المرور لتطبيقات الصحة
receipt-passcode-ask = سيطلب تطبيق الصحة الذي يمسح الرمز { $code } رمز المرور هذا:
receipt-passcode-keep = احفظه بعيدًا عن الإيصال. بعد عدة محاولات خاطئة يتوقف الرابط عن العمل؛ أما الرمز نفسه فيبقى صالحًا.
receipt-pdf-title = { $clinic }: رمز سجل زيارتك { $code }

## البريد الإلكتروني مع الإيصال
email-subject = رمز سجل زيارتك من { $clinic }
email-html-title = رمز سجل زيارتك
email-html-intro = أعطاك { $clinic } هذا الرمز لإضافة زيارتك إلى حسابك في HealthJibe.
email-html-code-label = رمزك
email-html-barcode-alt = الرمز الشريطي للرمز { $code }، وهو نفسه الموجود على إيصالك
email-html-button = أضف الزيارة إلى حسابي
email-html-or-type = أو افتح { $url } واكتب الرمز، ثم سجّل الدخول.
email-html-expires = يعمل الرمز مرة واحدة، حتى { $expires }.
email-html-pay-online = يمكنك الدفع من هاتفك بعد إضافة الزيارة.
email-html-attached = إيصال الخروج الخاص بك، بالرمز نفسه، مرفق بصيغة PDF.
email-body =
    مرحبًا،

    هذا رمز سجل زيارتك من { $clinic }:

    {"    "}{ $code }

    لإضافة الزيارة إلى حسابك في HealthJibe، افتح { $url } واكتب الرمز، ثم سجّل الدخول. يعمل الرمز مرة واحدة، حتى { $expires }.

    ملف PDF المرفق هو إيصال الخروج الخاص بك بالرمز نفسه.

    { $clinic }

## صفحات البوابة للمرضى
page-language = اللغة
page-get-record = احصل على سجل زيارتك
page-enter-help = اكتب رمز RAZCODE الموجود على إيصال الخروج. لا تهم الشرطات ولا المسافات ولا الأحرف الكبيرة أو الصغيرة.
page-continue = متابعة
page-not-a-code = هذا ليس رمز RAZCODE. تحقق من الرمز على إيصالك.
page-not-found-title = الرمز غير موجود
page-not-found = لا يوجد سجل بهذا الرمز. تحقق من كل حرف على إيصالك.
page-try-again-title = حاول مرة أخرى
page-try-again = حدث خطأ ما. حاول مرة أخرى بعد دقيقة.
page-too-many-title = محاولات كثيرة جدًا
page-too-many = جُرّبت رموز كثيرة غير موجودة من هذا الاتصال. انتظر 15 دقيقة، ثم اكتب الرمز مرة أخرى بعناية، أو اطلب رمزًا جديدًا من العيادة.
page-withdrawn-title = سحبت العيادة هذا الرمز
page-withdrawn = سحبت العيادة الرمز { $code }، ولم يعد سجله هنا. إذا كنت تحتاج إلى سجل زيارتك، فاتصل بالعيادة: يمكنهم إعطاؤك رمزًا جديدًا.
page-not-sent-title = زيارتك في الطريق
page-not-sent = طبعت العيادة الرمز { $code } وهي غير متصلة بالإنترنت، ولم ترسل زيارتك بعد. يرجى المحاولة لاحقًا. إذا لم تصل بعد بضعة أيام، فاتصل بالعيادة.
page-claim = يحمل الرمز { $code } سجل زيارتك. سجّل الدخول إلى HealthJibe لإضافته إلى حسابك. يمكن استخدام الرمز حتى { $date }.
page-bound = صدر هذا الرمز لحساب واحد في HealthJibe: سجّل الدخول بالحساب الذي ربطته في العيادة.
page-wrong-account = صدر هذا الرمز لحساب آخر في HealthJibe. سجّل الدخول بالحساب الذي ربطته في العيادة.
page-bill-paid = لهذه الزيارة فاتورة بمبلغ { $amount }. وقد دُفعت.
page-bill-due = لهذه الزيارة فاتورة بمبلغ { $amount }. بعد تسجيل الدخول يمكنك رؤيتها ومعرفة طريقة دفعها.
page-signin-get = سجّل الدخول واحصل على سجلي
page-signup-get = أنشئ حسابًا واحصل على سجلي
page-claimed-title = تمت المطالبة به من قبل
page-claimed = أُضيف سجل الرمز { $code } إلى حساب في HealthJibe بتاريخ { $date }. إذا لم تكن أنت، فاتصل بالعيادة.
page-claimed-now = طالب شخص ما بهذا الرمز قبل لحظات. إذا لم تكن أنت، فاتصل بالعيادة.
page-expired-title = انتهت صلاحية هذا الرمز
page-expired = انتهت صلاحية الرمز { $code } في { $date }: يمكن استخدام الرموز لمدة 30 يومًا. اطلب رمزًا جديدًا من العيادة.
page-email = البريد الإلكتروني
page-password = كلمة المرور
page-signup-legend = جديد في HealthJibe؟ أنشئ حسابًا
page-your-name = اسمك
page-new-password = كلمة المرور ({ $min } أحرف على الأقل)
page-password-again = كلمة المرور مرة أخرى
page-record-title = سجل زيارتك
page-record-added = هذا السجل الآن في حسابك في HealthJibe (الرمز { $code }).
page-record-patient = المريض
page-record-birth = تاريخ الميلاد
page-record-gender = الجنس
page-record-visit = الزيارة
page-record-from = من
page-record-sections = الأقسام
page-record-measurement = القياس
page-record-values = القيم
page-record-when = الوقت
page-record-unreadable = تعذر عرض السجل هنا؛ نزّله أدناه.
page-record-download = نزّل السجل كما أرسلته العيادة
page-record-fhir = نزّله لتطبيقات الصحة (FHIR R4)
page-record-delete = احذف هذا السجل من حسابي
page-record-deleted-title = حُذف السجل
page-record-deleted = حذفت سجل الرمز { $code } من حسابك.
page-record-delete-failed = تعذر حذف السجل. حاول مرة أخرى بعد دقيقة.
page-fhir-unavailable-title = غير متاح
page-fhir-unavailable = لا يمكن تحويل هذا السجل لتطبيقات الصحة؛ نزّله كما أرسلته العيادة.
page-new-code-clinic = أعطت { $clinic } هذا الرمز.
page-new-code-phone = هاتف العيادة: { $phone }
page-new-code-valid-until = كان صالحًا حتى { $date }.
page-new-code-legend = اطلب رمزًا جديدًا من العيادة
page-new-code-help = سترسل العيادة رمزًا جديدًا إلى هذا العنوان. لا يُرسل أي شيء من زيارتك بالبريد الإلكتروني.
page-new-code-email = بريدك الإلكتروني
page-new-code-note = ملاحظة للعيادة (اختيارية، { $max } حرفًا على الأكثر)
page-new-code-send = اطلب رمزًا جديدًا
page-new-code-sent-title = أُرسل الطلب
page-new-code-sent = طُلب من { $clinic } رمز جديد بدلًا من { $code }. سيرسلونه إلى { $email }.
page-new-code-the-clinic = العيادة
page-new-code-bad-email = اكتب عنوان بريد إلكتروني يمكن للعيادة أن تراسلك عليه، مثل name@example.com.
page-new-code-note-too-long = الملاحظة طويلة جدًا: 280 حرفًا على الأكثر.
page-new-code-too-many = وصلت طلبات كثيرة جدًا من هنا. حاول مرة أخرى بعد ساعة، أو اتصل بالعيادة.
page-accesses-title = من فتح هذا السجل
page-accesses-help = كل مرة فُتح فيها هذا الرمز أو سجله، والأحدث في الأخير. اسأل العيادة إذا كانت إحداها ليست أنت.
page-access-page_opened = فُتحت صفحة الرمز
page-access-claimed = أُضيف السجل إلى حساب في HealthJibe
page-access-record_viewed = عُرض السجل
page-access-record_downloaded = نُزّل السجل كما أرسلته العيادة
page-access-fhir_downloaded = نُزّل السجل لتطبيقات الصحة
page-access-shl_manifest = فتح تطبيق صحي الرابط: { $recipient }
page-access-shl_file = نزّل تطبيق صحي ملف السجل
page-access-passcode_refused = أُدخل رمز مرور خاطئ للرابط: { $recipient }
page-access-deleted_by_patient = حُذف السجل من الحساب
page-access-voided = سحبت العيادة الرمز
page-access-reissue_requested = طُلب رمز جديد

## الفاتورة
page-bill-title = فاتورتك
page-bill-amount = المبلغ
page-bill-for = مقابل
page-bill-reference = المرجع
page-bill-due-by = يستحق في
page-bill-paid-on = دُفعت في { $date }. شكرًا لك.
page-bill-overdue = هذه الفاتورة متأخرة: كان موعد استحقاقها { $date }.
page-bill-pay-now = ادفع الآن
page-bill-pay-on = { $link } في صفحة الدفع الخاصة بـ { $clinic }.
page-bill-pay-at-clinic = ادفع هذه الفاتورة في العيادة، { $clinic }. لا يمكن دفعها عبر الإنترنت هنا.
page-error-wrong-password = البريد الإلكتروني أو كلمة المرور غير صحيحة.
page-error-locked = كلمات مرور خاطئة كثيرة جدًا. هذا الحساب مقفل لمدة 15 دقيقة.
page-error-too-many-signins = محاولات تسجيل دخول كثيرة جدًا من شبكتك. انتظر 15 دقيقة ثم حاول مرة أخرى.
page-error-name = اكتب اسمك.
page-error-email = اكتب عنوان بريد إلكتروني صحيحًا.
page-error-password-short = اختر كلمة مرور من { $min } أحرف على الأقل.
page-error-passwords-differ = كلمتا المرور غير متطابقتين.
page-error-signup-failed = تعذر إنشاء الحساب. حاول مرة أخرى.
page-error-email-taken = يوجد حساب بهذا البريد الإلكتروني من قبل. سجّل الدخول بدلًا من ذلك.
page-error-signup-later = تعذر إنشاء الحساب. حاول مرة أخرى لاحقًا.

## السجل بكلمات بسيطة
unit-percent = { $value }٪
section-payers = التأمين
section-problems = المشكلات الصحية
section-alerts = الحساسية والتنبيهات
section-medications = الأدوية
section-immunizations = التطعيمات
section-vital-signs = العلامات الحيوية
section-results = نتائج الفحوص
section-procedures = الإجراءات
section-encounters = الزيارات
section-plan-of-care = خطة الرعاية
section-social-history = التاريخ الاجتماعي
section-family-history = التاريخ العائلي
section-advance-directives = التوجيهات المسبقة
section-functional-status = الحالة الوظيفية
section-medical-equipment = المعدات الطبية
section-care-team = فريق الرعاية
section-support = الدعم وجهات الاتصال
sex-female = أنثى
sex-male = ذكر
sex-other = آخر
sex-unknown = غير معروف
# What the clinic wrote (often English) is isolated (FSI … PDI): it reads in
# its own direction and does not pull the Arabic around it out of place.
record-item-tests = ⁨{ $heading }⁩: ⁨{ $tests }⁩
record-item-test = ⁨{ $name }⁩ ⁨{ $value }⁩
record-item-reaction = ⁨{ $what }⁩ (التفاعل: ⁨{ $reaction }⁩)
omhe-bp = ضغط الدم
omhe-bp-pulse = { $bp }، النبض { $pulse }/دقيقة
omhe-sbp = ضغط الدم المرسل إلى
omhe-gbp = ضغط الدم المطلوب
omhe-bg = سكر الدم (mg/dL)
omhe-wt = الوزن
omhe-fm = كتلة الدهون
omhe-ffm = الكتلة الخالية من الدهون
omhe-pbf = دهون الجسم (%)
omhe-st = الخطوات
omhe-pn = الألم (من 0 إلى 10)
omhe-md = المزاج (من 0 إلى 10)
omhe-zeo = درجة النوم
omhe-frt = الفاكهة (حصص)
omhe-veg = الخضروات (حصص)
omhe-jnk = الوجبات السريعة (حصص)
omhe-wtr = الماء (أكواب)
omhe-alc = الكحول (مشروبات)
omhe-ptn = البروتين (حصص)
omhe-crb = الكربوهيدرات (حصص)
omhe-dry = منتجات الألبان (حصص)
omhe-drk = المشروبات
omhe-frv = فاكهة أو خضار
omhe-eat = وجبة
omhe-gym = تمرين
omhe-que = سؤال
omhe-ans = إجابة
omhe-sch = النشويات (حصص)
omhe-ci = تسجيل الحضور
omhe-pts = النقاط
omhe-hivcd4 = عدد خلايا CD4
omhe-hivvl = الحمل الفيروسي لفيروس نقص المناعة البشرية
omhe-yes = نعم
