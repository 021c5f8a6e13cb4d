//! Receipt generation time per layout (fonts embedded and subset, QR placed).
//! Baseline in the same run: a one-line PDF with a built-in font, the floor of
//! printpdf itself.
//!
//! `cargo bench -p razcode-desk --bench receipt [-- ROUNDS]`

use printpdf::{
    BuiltinFont, Mm, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, TextItem,
};
use razcode_desk::receipt::{render, AmountDue, Barcode, Format, Receipt};
use std::time::Instant;

fn baseline() -> Vec<u8> {
    let ops = vec![
        Op::StartTextSection,
        Op::SetTextCursor {
            pos: Point {
                x: Pt(50.0),
                y: Pt(700.0),
            },
        },
        Op::SetFont {
            font: PdfFontHandle::Builtin(BuiltinFont::Helvetica),
            size: Pt(12.0),
        },
        Op::ShowText {
            items: vec![TextItem::Text("RAZCODE 7KQ2-M9XD-4HRB".into())],
        },
        Op::EndTextSection,
    ];
    PdfDocument::new("baseline")
        .with_pages(vec![PdfPage::new(Mm(210.0), Mm(297.0), ops)])
        .save(&PdfSaveOptions::default(), &mut Vec::new())
}

fn main() {
    let rounds: usize = std::env::args()
        .filter_map(|a| a.parse().ok())
        .next()
        .unwrap_or(30);
    let qr = razcode_desk::barcode::qr_png("https://healthjibe.example/r/7KQ2M9XD4HRB")
        .expect("a QR code");
    let receipt = Receipt {
        clinic_name: "Harbor Street Clinic".into(),
        clinic_address: Some("12 Harbor St, Springfield".into()),
        clinic_phone: Some("555-0100".into()),
        logo: None,
        patient_name: "Σοφία Παπαδοπούλου 张伟".into(),
        visit_date: Some("2026-11-26".into()),
        raz_id: "7KQ2-M9XD-4HRB".into(),
        barcode: Barcode::QrPng(qr),
        redeem_url: "https://healthjibe.example/r".into(),
        expires: "2026-12-26".into(),
        amount_due: Some(AmountDue {
            amount: "USD 25.00".into(),
            description: None,
            reference: Some("INV-77".into()),
            due_date: None,
            online: true,
        }),
        health_apps: false,
        shl_passcode: None,
        copy: false,
        issued: "2026-11-26 10:00 UTC".into(),
        replaces: None,
        language: razcode_desk::languages::Language::En,
        large_print: false,
    };
    let start = Instant::now();
    for _ in 0..rounds {
        assert!(!baseline().is_empty());
    }
    let base = start.elapsed().as_secs_f64() / rounds as f64;
    println!("receipt generation, mean of {rounds} renders");
    println!("| layout | ms per receipt | PDF bytes | ratio to baseline |");
    println!("|---|---:|---:|---:|");
    // The same receipt in Arabic: every line ordered right to left and shaped.
    let arabic = Receipt {
        patient_name: "ليلى حداد".into(),
        language: razcode_desk::languages::Language::Ar,
        ..receipt.clone()
    };
    for (r, lang) in [(&receipt, ""), (&arabic, ", Arabic")] {
        for format in [Format::Letter, Format::A4, Format::Thermal80] {
            let start = Instant::now();
            let mut size = 0;
            for _ in 0..rounds {
                size = render(r, format).expect("a receipt").len();
            }
            let t = start.elapsed().as_secs_f64() / rounds as f64;
            println!(
                "| {}{lang} | {:.1} | {size} | {:.0} |",
                format.name(),
                t * 1e3,
                t / base
            );
        }
    }
    println!(
        "| baseline (one line, built-in font) | {:.3} | | 1 |",
        base * 1e3
    );
}
