# Español (Estados Unidos y América Latina): todos los mensajes del catálogo inglés.

## Idiomas, cada uno por su propio nombre
language-en = English
language-es = Español
language-zh-Hans = 中文（简体）

## Fechas, horas e importes
month-short-1 = ene
month-short-2 = feb
month-short-3 = mar
month-short-4 = abr
month-short-5 = may
month-short-6 = jun
month-short-7 = jul
month-short-8 = ago
month-short-9 = sept
month-short-10 = oct
month-short-11 = nov
month-short-12 = dic
# "26 nov 2026"
date-medium = { $day } { $month-short } { $year }
# "9:30"
time-short = { $hour }:{ $minute }
time-am = a. m.
time-pm = p. m.
date-time = { $date }, { $time }
# "1.234,50 US$"
amount = { $number } { $symbol }
number-decimal = ,
number-group = .

## El recibo de alta
receipt-your-clinic = Su clínica
receipt-no-name = (el nombre no figura en el registro)
receipt-phone = Teléfono { $phone }
receipt-copy = COPIA
receipt-title = El código del registro de su visita
receipt-patient = Paciente: { $name }
receipt-visit = Visita: { $date }
receipt-replaces = Este código reemplaza el código { $old }, que ya no funciona.
receipt-how = Para agregar esta visita a su cuenta de HealthJibe, escanee el código o abra { $url } y escriba el código de arriba; luego inicie sesión. El código funciona una sola vez, hasta el { $expires }.
receipt-health-apps = Las aplicaciones de salud que leen SMART Health Links pueden escanear el mismo código para obtener esta visita.
receipt-amount-due = Importe a pagar: { $amount }
receipt-reference = Referencia: { $reference }
receipt-due-by = Vence el { $date }
receipt-pay-online = Puede pagar desde su teléfono después de canjear el código.
receipt-pay-at-clinic = Pague esta factura en { $clinic }.
receipt-issued = Emitido el { $when }
receipt-passcode-title = Clave para sus aplicaciones de salud
receipt-passcode-ask = Una aplicación de salud que escanee el código { $code } le pedirá esta clave:
receipt-passcode-keep = Guárdela separada del recibo. Después de varios intentos fallidos el enlace deja de funcionar; el código en sí sigue funcionando.

## El correo con el recibo
email-subject = El código del registro de su visita en { $clinic }
email-body =
    Hola:

    Este es el código del registro de su visita en { $clinic }:

    {"    "}{ $code }

    Para agregar la visita a su cuenta de HealthJibe, abra { $url } y escriba el código; luego inicie sesión. El código funciona una sola vez, hasta el { $expires }.

    El PDF adjunto es su recibo de alta con el mismo código.

    { $clinic }

## Las páginas del gateway para pacientes
page-language = Idioma
page-get-record = Obtenga el registro de su visita
page-enter-help = Escriba el RAZCODE de su recibo de alta. No importan los guiones, los espacios ni las mayúsculas o minúsculas.
page-continue = Continuar
page-not-a-code = Eso no es un RAZCODE. Revise el código en su recibo.
page-not-found-title = Código no encontrado
page-not-found = No hay ningún registro con este código. Revise cada carácter en su recibo.
page-try-again-title = Inténtelo de nuevo
page-try-again = Algo salió mal. Inténtelo de nuevo en un minuto.
page-too-many-title = Demasiados intentos
page-too-many = Desde esta conexión se probaron demasiados códigos que no existen. Espere 15 minutos y vuelva a escribir el código con cuidado, o pida uno nuevo a la clínica.
page-withdrawn-title = La clínica retiró este código
page-withdrawn = La clínica retiró el código { $code } y su registro ya no está aquí. Si necesita el registro de su visita, comuníquese con la clínica: le pueden dar un código nuevo.
page-claim = El código { $code } contiene el registro de su visita. Inicie sesión en HealthJibe para agregarlo a su cuenta. El código se puede usar hasta el { $date }.
page-bound = Este código se emitió para una sola cuenta de HealthJibe: inicie sesión con la cuenta que vinculó en la clínica.
page-wrong-account = Este código se emitió para otra cuenta de HealthJibe. Inicie sesión con la cuenta que vinculó en la clínica.
page-bill-paid = Esta visita tiene una factura de { $amount }. Está pagada.
page-bill-due = Esta visita tiene una factura de { $amount }. Después de iniciar sesión podrá verla y ver cómo pagarla.
page-signin-get = Iniciar sesión y obtener mi registro
page-signup-get = Crear una cuenta y obtener mi registro
page-claimed-title = Ya fue canjeado
page-claimed = El registro del código { $code } ya se agregó a una cuenta de HealthJibe el { $date }. Si no fue usted, comuníquese con la clínica.
page-claimed-now = Alguien canjeó este código hace un momento. Si no fue usted, comuníquese con la clínica.
page-expired-title = Este código venció
page-expired = El código { $code } venció el { $date }: los códigos se pueden usar durante 30 días. Pida uno nuevo a la clínica.
page-email = Correo electrónico
page-password = Contraseña
page-signup-legend = ¿Es nuevo en HealthJibe? Cree una cuenta
page-your-name = Su nombre
page-new-password = Contraseña (al menos { $min } caracteres)
page-password-again = Repita la contraseña
page-record-title = El registro de su visita
page-record-added = Este registro ya está en su cuenta de HealthJibe (código { $code }).
page-record-patient = Paciente
page-record-birth = Fecha de nacimiento
page-record-gender = Sexo
page-record-visit = Visita
page-record-from = De
page-record-sections = Secciones
page-record-measurement = Medición
page-record-values = Valores
page-record-when = Cuándo
page-record-unreadable = El registro no se puede mostrar aquí; descárguelo abajo.
page-record-download = Descargar el registro tal como lo envió la clínica
page-record-fhir = Descargarlo para aplicaciones de salud (FHIR R4)
page-record-delete = Eliminar este registro de mi cuenta
page-record-deleted-title = Registro eliminado
page-record-deleted = Eliminó de su cuenta el registro del código { $code }.
page-record-delete-failed = No se pudo eliminar el registro. Inténtelo de nuevo en un minuto.
page-fhir-unavailable-title = No disponible
page-fhir-unavailable = Este registro no se puede convertir para aplicaciones de salud; descárguelo tal como lo envió la clínica.
