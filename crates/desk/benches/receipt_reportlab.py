"""The English receipt razdesk makes, made with reportlab: the comparison of
benches/receipt_process.rs. The same lines, the same embedded fonts (Noto
Sans, DejaVu Sans Mono for the code), the same QR picture, on Letter paper.

python receipt_reportlab.py OUT.pdf CODE QR.png SANS.ttf BOLD.ttf MONO.ttf
"""
import sys

from reportlab.lib.pagesizes import letter
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

out, code, qr, sans, bold, mono = sys.argv[1:7]
pdfmetrics.registerFont(TTFont("Sans", sans))
pdfmetrics.registerFont(TTFont("Bold", bold))
pdfmetrics.registerFont(TTFont("Mono", mono))
c = canvas.Canvas(out, pagesize=letter)
c.setTitle(f"Harbor Street Clinic: your visit record code {code}")
width, height = letter
y = height - 20 * mm


def line(text, font="Sans", size=11):
    global y
    y -= size * 1.35
    c.setFont(font, size)
    c.drawString(20 * mm, y, text)


line("Harbor Street Clinic", "Bold", 16)
line("12 Harbor St, Springfield")
line("Phone 555-0100")
line("Your visit record code", "Bold", 16)
line("Patient: Zoe Example")
line("Visit: Nov 26, 2026")
y -= 40
c.setFont("Mono", 30)
c.drawCentredString(width / 2, y, code)
y -= 50 * mm
c.drawImage(qr, width / 2 - 20 * mm, y, 40 * mm, 40 * mm)
line("To add this visit to your HealthJibe account, scan the code or open")
line("https://healthjibe.example/r and type the code above, then sign in.")
line("The code works once, until Dec 26, 2026.")
line("Amount due: $25.00", "Bold", 14)
line("Reference: INV-77")
line("You can pay from your phone after you use the code.")
line("Issued Nov 26, 2026, 10:00 AM", size=9)
c.save()
