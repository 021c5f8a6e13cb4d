# 简体中文：患者阅读的全部消息（工作人员应用的 "app-" 消息回退到英文）。

## 语言（各用其本名）
language-en = English
language-es = Español
language-zh-Hans = 中文（简体）
language-vi = Tiếng Việt
language-ar = العربية

## 日期、时间和金额
month-short-1 = 1
month-short-2 = 2
month-short-3 = 3
month-short-4 = 4
month-short-5 = 5
month-short-6 = 6
month-short-7 = 7
month-short-8 = 8
month-short-9 = 9
month-short-10 = 10
month-short-11 = 11
month-short-12 = 12
# "2026年11月26日"
date-medium = { $year }年{ $month-short }月{ $day }日
# "上午9:30"
time-short = { $ampm }{ $hour12 }:{ $minute }
time-am = 上午
time-pm = 下午
date-time = { $date } { $time }
# "US$1,234.50"
amount = { $symbol }{ $number }
number-decimal = .
number-group = ,

## 出院收据
receipt-your-clinic = 您的诊所
receipt-no-name = （记录中没有姓名）
receipt-phone = 电话 { $phone }
receipt-copy = 副本
receipt-title = 您的就诊记录代码
receipt-patient = 患者：{ $name }
receipt-visit = 就诊：{ $date }
receipt-replaces = 此代码取代代码 { $old }，原代码已失效。
receipt-how = 要将此次就诊添加到您的 HealthJibe 账户，请扫描代码，或打开 { $url } 并输入上面的代码，然后登录。此代码仅可使用一次，有效期至 { $expires }。
receipt-health-apps = 支持 SMART Health Links 的健康应用也可以扫描同一代码获取此次就诊记录。
receipt-amount-due = 应付金额：{ $amount }
receipt-reference = 参考号：{ $reference }
receipt-due-by = 付款截止日期：{ $date }
receipt-pay-online = 兑换代码后，您可以用手机付款。
receipt-pay-at-clinic = 请在 { $clinic } 支付此账单。
receipt-issued = 开具时间：{ $when }
receipt-passcode-title = 健康应用的访问密码
receipt-passcode-ask = 扫描代码 { $code } 的健康应用会要求输入此密码：
receipt-passcode-keep = 请将密码与收据分开保管。多次输错后链接将失效，但代码本身仍然有效。
receipt-pdf-title = { $clinic }：您的就诊记录代码 { $code }

## 附有收据的电子邮件
email-subject = 来自 { $clinic } 的就诊记录代码
email-html-title = 您的就诊记录代码
email-html-intro = { $clinic } 给了您这个代码，用于将本次就诊添加到您的 HealthJibe 账户。
email-html-code-label = 您的代码
email-html-barcode-alt = 代码 { $code } 的条码，与收据上的相同
email-html-button = 将就诊添加到我的账户
email-html-or-type = 或打开 { $url } 并输入代码，然后登录。
email-html-expires = 此代码只能使用一次，有效期至 { $expires }。
email-html-pay-online = 添加就诊后，您可以用手机付款。
email-html-attached = 附件 PDF 是您的出院收据，上面有相同的代码。
email-body =
    您好：

    这是您在 { $clinic } 的就诊记录代码：

    {"    "}{ $code }

    要将此次就诊添加到您的 HealthJibe 账户，请打开 { $url } 并输入代码，然后登录。此代码仅可使用一次，有效期至 { $expires }。

    附件 PDF 是带有同一代码的出院收据。

    { $clinic }

## 网关的患者页面
page-language = 语言
page-get-record = 获取您的就诊记录
page-enter-help = 请输入出院收据上的 RAZCODE。短横线、空格和大小写均不影响。
page-continue = 继续
page-not-a-code = 这不是 RAZCODE。请核对收据上的代码。
page-not-found-title = 未找到代码
page-not-found = 没有与此代码对应的记录。请逐个核对收据上的字符。
page-try-again-title = 请重试
page-try-again = 出现问题。请一分钟后重试。
page-too-many-title = 尝试次数过多
page-too-many = 此连接尝试了过多不存在的代码。请等待 15 分钟后仔细重新输入代码，或向诊所索取新代码。
page-withdrawn-title = 诊所已撤回此代码
page-withdrawn = 诊所已撤回代码 { $code }，其记录已不在此处。如果您需要就诊记录，请联系诊所，他们可以给您新的代码。
page-not-sent-title = 您的就诊记录正在发送中
page-not-sent = 诊所在离线时打印了代码 { $code }，尚未发送您的就诊记录。请稍后再试。如果几天后仍未收到，请联系诊所。
page-claim = 代码 { $code } 包含您的就诊记录。请登录 HealthJibe 将其添加到您的账户。此代码有效期至 { $date }。
page-bound = 此代码仅发给一个 HealthJibe 账户：请使用您在诊所关联的账户登录。
page-wrong-account = 此代码发给了另一个 HealthJibe 账户。请使用您在诊所关联的账户登录。
page-bill-paid = 此次就诊有一笔 { $amount } 的账单，已付清。
page-bill-due = 此次就诊有一笔 { $amount } 的账单。登录后您可以查看账单及付款方式。
page-signin-get = 登录并获取我的记录
page-signup-get = 创建账户并获取我的记录
page-claimed-title = 已被领取
page-claimed = 代码 { $code } 的记录已于 { $date } 添加到一个 HealthJibe 账户。如果不是您本人，请联系诊所。
page-claimed-now = 刚才有人领取了此代码。如果不是您本人，请联系诊所。
page-expired-title = 此代码已过期
page-expired = 代码 { $code } 已于 { $date } 过期：代码的有效期为 30 天。请向诊所索取新代码。
page-email = 电子邮件
page-password = 密码
page-signup-legend = 第一次使用 HealthJibe？创建账户
page-your-name = 您的姓名
page-new-password = 密码（至少 { $min } 个字符）
page-password-again = 再次输入密码
page-record-title = 您的就诊记录
page-record-added = 此记录已添加到您的 HealthJibe 账户（代码 { $code }）。
page-record-patient = 患者
page-record-birth = 出生日期
page-record-gender = 性别
page-record-visit = 就诊
page-record-from = 来自
page-record-sections = 部分
page-record-measurement = 测量项目
page-record-values = 数值
page-record-when = 时间
page-record-unreadable = 无法在此显示记录；请在下方下载。
page-record-download = 下载诊所发送的原始记录
page-record-fhir = 为健康应用下载（FHIR R4）
page-record-delete = 从我的账户中删除此记录
page-record-deleted-title = 记录已删除
page-record-deleted = 您已从账户中删除代码 { $code } 的记录。
page-record-delete-failed = 无法删除记录。请一分钟后重试。
page-fhir-unavailable-title = 不可用
page-fhir-unavailable = 此记录无法转换为健康应用可用的格式；请下载诊所发送的原始记录。
page-new-code-clinic = 此代码由 { $clinic } 提供。
page-new-code-phone = 诊所电话：{ $phone }
page-new-code-valid-until = 有效期至 { $date }。
page-new-code-legend = 向诊所申请新代码
page-new-code-help = 诊所会将新代码发送到此邮箱。您的就诊内容不会通过邮件发送。
page-new-code-email = 您的邮箱
page-new-code-note = 给诊所的留言（可选，最多 { $max } 个字符）
page-new-code-send = 申请新代码
page-new-code-sent-title = 申请已发送
page-new-code-sent = 已向 { $clinic } 申请新代码以替换 { $code }。新代码将发送到 { $email }。
page-new-code-the-clinic = 诊所
page-new-code-bad-email = 请填写诊所可以联系的邮箱，例如 name@example.com。
page-new-code-note-too-long = 留言过长：最多 280 个字符。
page-new-code-too-many = 来自此处的申请过多。请一小时后再试，或致电诊所。
page-accesses-title = 谁打开过此记录
page-accesses-help = 此代码或其记录每次被打开的情况，最新的在最后。如有不是您本人的访问，请告知诊所。
page-access-page_opened = 代码页面被打开
page-access-claimed = 记录已添加到 HealthJibe 账户
page-access-record_viewed = 记录被查看
page-access-record_downloaded = 诊所发送的原始记录被下载
page-access-fhir_downloaded = 记录被下载用于健康应用
page-access-shl_manifest = 健康应用打开了链接：{ $recipient }
page-access-shl_file = 健康应用下载了记录文件
page-access-passcode_refused = 链接收到了错误的密码：{ $recipient }
page-access-deleted_by_patient = 记录已从账户中删除
page-access-voided = 诊所撤回了此代码
page-access-reissue_requested = 有人申请了新代码
page-bill-title = 您的账单
page-bill-amount = 金额
page-bill-for = 项目
page-bill-reference = 参考号
page-bill-due-by = 付款截止日期
page-bill-paid-on = 已于 { $date } 付款。谢谢。
page-bill-overdue = 此账单已逾期：付款截止日期为 { $date }。
page-bill-pay-now = 立即付款
page-bill-pay-on = 在 { $clinic } 的付款页面{ $link }。
page-bill-pay-at-clinic = 请在诊所（{ $clinic }）支付此账单。此处无法在线付款。
page-error-wrong-password = 电子邮件或密码错误。
page-error-locked = 密码错误次数过多。此账户已锁定 15 分钟。
page-error-too-many-signins = 您的网络登录尝试次数过多。请等待 15 分钟后重试。
page-error-name = 请输入您的姓名。
page-error-email = 请输入有效的电子邮件地址。
page-error-password-short = 请设置至少 { $min } 个字符的密码。
page-error-passwords-differ = 两次输入的密码不一致。
page-error-signup-failed = 无法创建账户。请重试。
page-error-email-taken = 此电子邮件已有账户。请直接登录。
page-error-signup-later = 无法创建账户。请稍后重试。

## 用通俗的话说明记录
unit-percent = { $value }%
section-payers = 保险
section-problems = 健康问题
section-alerts = 过敏和警示
section-medications = 药物
section-immunizations = 疫苗接种
section-vital-signs = 生命体征
section-results = 检查结果
section-procedures = 手术和操作
section-encounters = 就诊
section-plan-of-care = 护理计划
section-social-history = 社会史
section-family-history = 家族史
section-advance-directives = 预立医疗指示
section-functional-status = 功能状态
section-medical-equipment = 医疗设备
section-care-team = 医疗团队
section-support = 支持和联系人
sex-female = 女
sex-male = 男
sex-other = 其他
sex-unknown = 不详
record-item-tests = { $heading }：{ $tests }
record-item-test = { $name } { $value }
record-item-reaction = { $what }（反应：{ $reaction }）
omhe-bp = 血压
omhe-bp-pulse = { $bp }，脉搏 { $pulse }/分钟
omhe-sbp = 血压发送给
omhe-gbp = 请求的血压
omhe-bg = 血糖 (mg/dL)
omhe-wt = 体重
omhe-fm = 脂肪量
omhe-ffm = 去脂体重
omhe-pbf = 体脂率 (%)
omhe-st = 步数
omhe-pn = 疼痛（0 到 10）
omhe-md = 情绪（0 到 10）
omhe-zeo = 睡眠评分
omhe-frt = 水果（份）
omhe-veg = 蔬菜（份）
omhe-jnk = 垃圾食品（份）
omhe-wtr = 水（杯）
omhe-alc = 酒（杯）
omhe-ptn = 蛋白质（份）
omhe-crb = 碳水化合物（份）
omhe-dry = 奶制品（份）
omhe-drk = 饮料
omhe-frv = 水果或蔬菜
omhe-eat = 餐食
omhe-gym = 锻炼
omhe-que = 问题
omhe-ans = 回答
omhe-sch = 淀粉类（份）
omhe-ci = 签到
omhe-pts = 积分
omhe-hivcd4 = CD4 计数
omhe-hivvl = HIV 病毒载量
omhe-yes = 是
