# Tiếng Việt: mọi thông điệp bệnh nhân đọc (các thông điệp "app-" của ứng dụng
# nhân viên dùng tiếng Anh thay thế).

## Ngôn ngữ (mỗi ngôn ngữ bằng tên của chính nó)
language-en = English
language-es = Español
language-zh-Hans = 中文（简体）
language-vi = Tiếng Việt
language-ar = العربية

## Ngày, giờ và số tiền
month-short-1 = thg 1
month-short-2 = thg 2
month-short-3 = thg 3
month-short-4 = thg 4
month-short-5 = thg 5
month-short-6 = thg 6
month-short-7 = thg 7
month-short-8 = thg 8
month-short-9 = thg 9
month-short-10 = thg 10
month-short-11 = thg 11
month-short-12 = thg 12
# "26 thg 11, 2026"
date-medium = { $day } { $month-short }, { $year }
# "09:30"
time-short = { $hour }:{ $minute }
time-am = SA
time-pm = CH
date-time = { $time } { $date }
# "1.234,50 US$"
amount = { $number } { $symbol }
number-decimal = ,
number-group = .

## Biên nhận ra viện
receipt-your-clinic = Phòng khám của bạn
receipt-no-name = (hồ sơ không có tên)
receipt-phone = Điện thoại { $phone }
receipt-copy = BẢN SAO
receipt-title = Mã hồ sơ lần khám của bạn
receipt-patient = Bệnh nhân: { $name }
receipt-visit = Lần khám: { $date }
receipt-replaces = Mã này thay cho mã { $old }, mã cũ không còn dùng được.
receipt-how = Để thêm lần khám này vào tài khoản HealthJibe của bạn, hãy quét mã hoặc mở { $url } và nhập mã ở trên, rồi đăng nhập. Mã chỉ dùng được một lần, đến hết ngày { $expires }.
receipt-health-apps = Các ứng dụng sức khỏe đọc được SMART Health Links có thể quét cùng mã này để lấy lần khám.
receipt-amount-due = Số tiền phải trả: { $amount }
receipt-reference = Số tham chiếu: { $reference }
receipt-due-by = Hạn trả: { $date }
receipt-pay-online = Bạn có thể trả tiền bằng điện thoại sau khi dùng mã.
receipt-pay-at-clinic = Vui lòng thanh toán hóa đơn này tại { $clinic }.
receipt-issued = Cấp lúc { $when }
receipt-passcode-title = Mật mã cho các ứng dụng sức khỏe
receipt-passcode-ask = Ứng dụng sức khỏe quét mã { $code } sẽ hỏi mật mã này:
receipt-passcode-keep = Hãy cất mật mã riêng, không để chung với biên nhận. Nhập sai vài lần thì liên kết ngừng hoạt động; bản thân mã vẫn dùng được.
receipt-pdf-title = { $clinic }: mã hồ sơ lần khám của bạn { $code }

## Email kèm biên nhận
email-subject = Mã hồ sơ lần khám của bạn từ { $clinic }
email-html-title = Mã hồ sơ lần khám của bạn
email-html-intro = { $clinic } đã đưa bạn mã này để thêm lần khám vào tài khoản HealthJibe của bạn.
email-html-code-label = Mã của bạn
email-html-barcode-alt = Mã vạch của mã { $code }, giống trên biên nhận của bạn
email-html-button = Thêm lần khám vào tài khoản của tôi
email-html-or-type = Hoặc mở { $url } và nhập mã, rồi đăng nhập.
email-html-expires = Mã chỉ dùng được một lần, đến hết ngày { $expires }.
email-html-pay-online = Bạn có thể trả tiền bằng điện thoại sau khi thêm lần khám.
email-html-attached = Biên nhận ra viện của bạn, có cùng mã này, được đính kèm dưới dạng PDF.
email-body =
    Xin chào,

    Đây là mã hồ sơ lần khám của bạn từ { $clinic }:

    {"    "}{ $code }

    Để thêm lần khám vào tài khoản HealthJibe của bạn, hãy mở { $url } và nhập mã, rồi đăng nhập. Mã chỉ dùng được một lần, đến hết ngày { $expires }.

    Tệp PDF đính kèm là biên nhận ra viện của bạn, có cùng mã này.

    { $clinic }

## Các trang của cổng dành cho bệnh nhân
page-language = Ngôn ngữ
page-get-record = Lấy hồ sơ lần khám của bạn
page-enter-help = Nhập mã RAZCODE trên biên nhận ra viện của bạn. Dấu gạch ngang, khoảng trắng và chữ hoa hay chữ thường đều không quan trọng.
page-continue = Tiếp tục
page-not-a-code = Đó không phải là mã RAZCODE. Hãy kiểm tra mã trên biên nhận của bạn.
page-not-found-title = Không tìm thấy mã
page-not-found = Không có hồ sơ nào với mã này. Hãy kiểm tra từng ký tự trên biên nhận của bạn.
page-try-again-title = Hãy thử lại
page-try-again = Đã có lỗi xảy ra. Hãy thử lại sau một phút.
page-too-many-title = Quá nhiều lần thử
page-too-many = Đã có quá nhiều mã không tồn tại được thử từ kết nối này. Hãy đợi 15 phút rồi nhập lại mã thật cẩn thận, hoặc xin phòng khám một mã mới.
page-withdrawn-title = Phòng khám đã thu hồi mã này
page-withdrawn = Phòng khám đã thu hồi mã { $code }, và hồ sơ của mã không còn ở đây. Nếu bạn cần hồ sơ lần khám, hãy liên hệ phòng khám: họ có thể cấp cho bạn mã mới.
page-not-sent-title = Lần khám của bạn đang được gửi đến
page-not-sent = Phòng khám đã in mã { $code } khi đang mất mạng và chưa gửi lần khám của bạn. Vui lòng thử lại sau. Nếu sau vài ngày vẫn chưa có, hãy liên hệ phòng khám.
page-claim = Mã { $code } chứa hồ sơ lần khám của bạn. Hãy đăng nhập HealthJibe để thêm hồ sơ vào tài khoản. Mã dùng được đến hết ngày { $date }.
page-bound = Mã này được cấp cho một tài khoản HealthJibe: hãy đăng nhập bằng tài khoản bạn đã liên kết tại phòng khám.
page-wrong-account = Mã này được cấp cho một tài khoản HealthJibe khác. Hãy đăng nhập bằng tài khoản bạn đã liên kết tại phòng khám.
page-bill-paid = Lần khám này có hóa đơn { $amount }. Hóa đơn đã được thanh toán.
page-bill-due = Lần khám này có hóa đơn { $amount }. Sau khi đăng nhập, bạn có thể xem hóa đơn và cách thanh toán.
page-signin-get = Đăng nhập và lấy hồ sơ của tôi
page-signup-get = Tạo tài khoản và lấy hồ sơ của tôi
page-claimed-title = Đã được nhận
page-claimed = Hồ sơ của mã { $code } đã được thêm vào một tài khoản HealthJibe ngày { $date }. Nếu đó không phải là bạn, hãy liên hệ phòng khám.
page-claimed-now = Có người vừa nhận mã này. Nếu đó không phải là bạn, hãy liên hệ phòng khám.
page-expired-title = Mã này đã hết hạn
page-expired = Mã { $code } đã hết hạn ngày { $date }: mã chỉ dùng được trong 30 ngày. Hãy xin phòng khám một mã mới.
page-email = Email
page-password = Mật khẩu
page-signup-legend = Mới dùng HealthJibe? Hãy tạo tài khoản
page-your-name = Tên của bạn
page-new-password = Mật khẩu (ít nhất { $min } ký tự)
page-password-again = Nhập lại mật khẩu
page-record-title = Hồ sơ lần khám của bạn
page-record-added = Hồ sơ này đã có trong tài khoản HealthJibe của bạn (mã { $code }).
page-record-patient = Bệnh nhân
page-record-birth = Ngày sinh
page-record-gender = Giới tính
page-record-visit = Lần khám
page-record-from = Từ
page-record-sections = Các mục
page-record-measurement = Chỉ số đo
page-record-values = Giá trị
page-record-when = Thời điểm
page-record-unreadable = Không thể hiển thị hồ sơ ở đây; hãy tải hồ sơ xuống ở bên dưới.
page-record-download = Tải hồ sơ xuống như phòng khám đã gửi
page-record-fhir = Tải xuống cho các ứng dụng sức khỏe (FHIR R4)
page-record-delete = Xóa hồ sơ này khỏi tài khoản của tôi
page-record-deleted-title = Đã xóa hồ sơ
page-record-deleted = Bạn đã xóa hồ sơ của mã { $code } khỏi tài khoản của mình.
page-record-delete-failed = Không thể xóa hồ sơ. Hãy thử lại sau một phút.
page-fhir-unavailable-title = Không có sẵn
page-fhir-unavailable = Không thể chuyển hồ sơ này cho các ứng dụng sức khỏe; hãy tải hồ sơ xuống như phòng khám đã gửi.
page-new-code-clinic = Mã này do { $clinic } cấp.
page-new-code-phone = Điện thoại của phòng khám: { $phone }
page-new-code-valid-until = Mã có hiệu lực đến hết ngày { $date }.
page-new-code-legend = Xin phòng khám một mã mới
page-new-code-help = Phòng khám sẽ gửi mã mới đến địa chỉ email này. Không có thông tin nào về lần khám của bạn được gửi qua email.
page-new-code-email = Email của bạn
page-new-code-note = Lời nhắn cho phòng khám (không bắt buộc, tối đa { $max } ký tự)
page-new-code-send = Xin mã mới
page-new-code-sent-title = Đã gửi yêu cầu
page-new-code-sent = Đã xin { $clinic } một mã mới để thay mã { $code }. Họ sẽ gửi mã qua email đến { $email }.
page-new-code-the-clinic = Phòng khám
page-new-code-bad-email = Hãy cho một địa chỉ email mà phòng khám có thể gửi đến, ví dụ ten@example.com.
page-new-code-note-too-long = Lời nhắn quá dài: tối đa 280 ký tự.
page-new-code-too-many = Có quá nhiều yêu cầu từ nơi này. Hãy thử lại sau một giờ, hoặc gọi điện cho phòng khám.
page-accesses-title = Ai đã mở hồ sơ này
page-accesses-help = Mỗi lần mã này hoặc hồ sơ của nó được mở, lần mới nhất ở cuối. Hãy hỏi phòng khám nếu có lần không phải là bạn.
page-access-page_opened = Trang của mã đã được mở
page-access-claimed = Hồ sơ đã được thêm vào một tài khoản HealthJibe
page-access-record_viewed = Hồ sơ đã được xem
page-access-record_downloaded = Hồ sơ đã được tải xuống như phòng khám đã gửi
page-access-fhir_downloaded = Hồ sơ đã được tải xuống cho các ứng dụng sức khỏe
page-access-shl_manifest = Một ứng dụng sức khỏe đã mở liên kết: { $recipient }
page-access-shl_file = Một ứng dụng sức khỏe đã tải tệp hồ sơ xuống
page-access-passcode_refused = Mật mã sai đã được nhập cho liên kết: { $recipient }
page-access-deleted_by_patient = Hồ sơ đã bị xóa khỏi tài khoản
page-access-voided = Phòng khám đã thu hồi mã
page-access-reissue_requested = Đã có yêu cầu xin mã mới

## Hóa đơn
page-bill-title = Hóa đơn của bạn
page-bill-amount = Số tiền
page-bill-for = Cho
page-bill-reference = Số tham chiếu
page-bill-due-by = Hạn trả
page-bill-paid-on = Đã thanh toán ngày { $date }. Xin cảm ơn.
page-bill-overdue = Hóa đơn này đã quá hạn: hạn trả là { $date }.
page-bill-pay-now = Thanh toán ngay
page-bill-pay-on = { $link } trên trang thanh toán của { $clinic }.
page-bill-pay-at-clinic = Hãy thanh toán hóa đơn này tại phòng khám, { $clinic }. Không thể thanh toán trực tuyến ở đây.
page-error-wrong-password = Email hoặc mật khẩu không đúng.
page-error-locked = Nhập sai mật khẩu quá nhiều lần. Tài khoản này bị khóa trong 15 phút.
page-error-too-many-signins = Có quá nhiều lần đăng nhập từ mạng của bạn. Hãy đợi 15 phút rồi thử lại.
page-error-name = Hãy nhập tên của bạn.
page-error-email = Hãy nhập một địa chỉ email hợp lệ.
page-error-password-short = Hãy chọn mật khẩu có ít nhất { $min } ký tự.
page-error-passwords-differ = Hai mật khẩu không giống nhau.
page-error-signup-failed = Không thể tạo tài khoản. Hãy thử lại.
page-error-email-taken = Đã có tài khoản với email này. Hãy đăng nhập.
page-error-signup-later = Không thể tạo tài khoản. Hãy thử lại sau.

## Hồ sơ bằng lời dễ hiểu
unit-percent = { $value }%
section-payers = Bảo hiểm
section-problems = Vấn đề sức khỏe
section-alerts = Dị ứng và cảnh báo
section-medications = Thuốc
section-immunizations = Tiêm chủng
section-vital-signs = Dấu hiệu sinh tồn
section-results = Kết quả xét nghiệm
section-procedures = Thủ thuật
section-encounters = Các lần khám
section-plan-of-care = Kế hoạch chăm sóc
section-social-history = Tiền sử xã hội
section-family-history = Tiền sử gia đình
section-advance-directives = Chỉ thị trước về chăm sóc
section-functional-status = Tình trạng chức năng
section-medical-equipment = Thiết bị y tế
section-care-team = Đội ngũ chăm sóc
section-support = Người hỗ trợ và liên hệ
sex-female = Nữ
sex-male = Nam
sex-other = Khác
sex-unknown = Không rõ
record-item-tests = { $heading }: { $tests }
record-item-test = { $name } { $value }
record-item-reaction = { $what } (phản ứng: { $reaction })
omhe-bp = Huyết áp
omhe-bp-pulse = { $bp }, mạch { $pulse }/phút
omhe-sbp = Huyết áp gửi cho
omhe-gbp = Huyết áp được yêu cầu
omhe-bg = Đường huyết (mg/dL)
omhe-wt = Cân nặng
omhe-fm = Khối lượng mỡ
omhe-ffm = Khối lượng không mỡ
omhe-pbf = Mỡ cơ thể (%)
omhe-st = Số bước
omhe-pn = Đau (0 đến 10)
omhe-md = Tâm trạng (0 đến 10)
omhe-zeo = Điểm giấc ngủ
omhe-frt = Trái cây (phần)
omhe-veg = Rau (phần)
omhe-jnk = Đồ ăn vặt (phần)
omhe-wtr = Nước (cốc)
omhe-alc = Rượu bia (ly)
omhe-ptn = Chất đạm (phần)
omhe-crb = Tinh bột (phần)
omhe-dry = Sữa (phần)
omhe-drk = Đồ uống
omhe-frv = Trái cây hoặc rau
omhe-eat = Bữa ăn
omhe-gym = Tập luyện
omhe-que = Câu hỏi
omhe-ans = Câu trả lời
omhe-sch = Chất bột (phần)
omhe-ci = Điểm danh
omhe-pts = Điểm
omhe-hivcd4 = Số lượng CD4
omhe-hivvl = Tải lượng virus HIV
omhe-yes = Có
