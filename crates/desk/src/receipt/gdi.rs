//! Printing on Windows through the spooler itself (GDI): the laid-out receipt
//! is drawn on the printer at its own resolution, with the receipt's own fonts
//! lent to GDI for the job. No PDF program is needed, so a PC with nothing but
//! Windows prints; printers are listed through the spooler API.

use super::device::Device;
use super::fonts::FaceKind;
use super::layout::{Mark, Picture, Scaling, Sheet, PT_PER_MM};
use crate::error::{DeskError, Result};
use crate::words::Words;
use std::collections::HashMap;
use windows_sys::Win32::Foundation::{HANDLE, RECT};
use windows_sys::Win32::Graphics::Gdi::{
    AddFontMemResourceEx, CreateDCW, CreateFontW, CreateSolidBrush, DeleteDC, DeleteObject,
    ExtTextOutW, FillRect, GetDeviceCaps, RemoveFontMemResourceEx, SelectObject, SetBkMode,
    SetStretchBltMode, SetTextAlign, SetTextColor, StretchDIBits, TextOutW, ANTIALIASED_QUALITY,
    BITMAPINFO, BITMAPINFOHEADER, BI_RGB, COLORONCOLOR, DEFAULT_CHARSET, DIB_RGB_COLORS,
    ETO_GLYPH_INDEX, FW_BOLD, FW_NORMAL, HALFTONE, HDC, HFONT, LOGPIXELSX, LOGPIXELSY,
    OUT_TT_ONLY_PRECIS, PHYSICALOFFSETX, PHYSICALOFFSETY, SRCCOPY, TA_BASELINE, TA_LEFT,
    TRANSPARENT,
};
use windows_sys::Win32::Graphics::Printing::{
    EnumPrintersW, GetDefaultPrinterW, PRINTER_ENUM_CONNECTIONS, PRINTER_ENUM_LOCAL,
    PRINTER_INFO_4W,
};
use windows_sys::Win32::Storage::Xps::{AbortDoc, EndDoc, EndPage, StartDocW, StartPage, DOCINFOW};

fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(std::iter::once(0)).collect()
}

/// A NUL-terminated string the spooler handed us.
///
/// # Safety
/// `p` is null or points at a NUL-terminated UTF-16 string.
unsafe fn from_wide(p: *const u16) -> String {
    if p.is_null() {
        return String::new();
    }
    let mut n = 0;
    while unsafe { *p.add(n) } != 0 {
        n += 1;
    }
    String::from_utf16_lossy(unsafe { std::slice::from_raw_parts(p, n) })
}

fn spooler(cause: impl std::fmt::Display) -> DeskError {
    DeskError::Print(Words::new("desk-print-no-spooler").with("cause", cause))
}

fn refused(cause: impl std::fmt::Display) -> DeskError {
    DeskError::Print(Words::new("desk-print-spooler-refused").with("cause", cause))
}

/// The printers on this PC and the ones it is connected to.
pub fn printers() -> Result<Vec<String>> {
    let flags = PRINTER_ENUM_LOCAL | PRINTER_ENUM_CONNECTIONS;
    let (mut need, mut count) = (0u32, 0u32);
    // The first call asks how much room the list needs.
    unsafe {
        EnumPrintersW(
            flags,
            std::ptr::null(),
            4,
            std::ptr::null_mut(),
            0,
            &mut need,
            &mut count,
        )
    };
    if need == 0 {
        return Ok(Vec::new());
    }
    // u64s, so the records in it are aligned for their pointers.
    let mut buf = vec![0u64; (need as usize).div_ceil(8)];
    let ok = unsafe {
        EnumPrintersW(
            flags,
            std::ptr::null(),
            4,
            buf.as_mut_ptr().cast(),
            need,
            &mut need,
            &mut count,
        )
    };
    if ok == 0 {
        return Err(spooler(std::io::Error::last_os_error()));
    }
    let infos = unsafe {
        std::slice::from_raw_parts(buf.as_ptr().cast::<PRINTER_INFO_4W>(), count as usize)
    };
    Ok(infos
        .iter()
        .map(|i| unsafe { from_wide(i.pPrinterName) })
        .filter(|n| !n.is_empty())
        .collect())
}

fn default_printer() -> Option<String> {
    let mut len = 0u32;
    unsafe { GetDefaultPrinterW(std::ptr::null_mut(), &mut len) };
    if len == 0 {
        return None;
    }
    let mut buf = vec![0u16; len as usize];
    if unsafe { GetDefaultPrinterW(buf.as_mut_ptr(), &mut len) } == 0 {
        return None;
    }
    Some(unsafe { from_wide(buf.as_ptr()) }).filter(|n| !n.is_empty())
}

/// A printer's device context, deleted when dropped.
struct Printer(HDC);

impl Drop for Printer {
    fn drop(&mut self) {
        unsafe { DeleteDC(self.0) };
    }
}

/// The receipt's fonts lent to GDI for this process, taken back when dropped.
struct LentFonts(Vec<HANDLE>);

impl LentFonts {
    fn lend() -> LentFonts {
        let mut handles = Vec::new();
        for kind in FaceKind::ALL {
            let bytes = kind.bytes();
            let mut n = 0u32;
            let h = unsafe {
                AddFontMemResourceEx(
                    bytes.as_ptr().cast(),
                    bytes.len() as u32,
                    std::ptr::null(),
                    &mut n,
                )
            };
            // A font GDI will not take is replaced by one of its own: the
            // receipt still prints, in a near face.
            if !h.is_null() {
                handles.push(h);
            }
        }
        LentFonts(handles)
    }
}

impl Drop for LentFonts {
    fn drop(&mut self) {
        for h in &self.0 {
            unsafe { RemoveFontMemResourceEx(*h) };
        }
    }
}

/// The fonts made for one job, by face and size, deleted when dropped.
struct Fonts {
    made: HashMap<(FaceKind, u32), HFONT>,
}

impl Fonts {
    fn get(&mut self, kind: FaceKind, height: i32) -> HFONT {
        *self.made.entry((kind, height as u32)).or_insert_with(|| {
            let (family, bold) = kind.family();
            let name = wide(family);
            unsafe {
                CreateFontW(
                    -height,
                    0,
                    0,
                    0,
                    (if bold { FW_BOLD } else { FW_NORMAL }) as i32,
                    0,
                    0,
                    0,
                    u32::from(DEFAULT_CHARSET),
                    u32::from(OUT_TT_ONLY_PRECIS),
                    0,
                    u32::from(ANTIALIASED_QUALITY),
                    0,
                    name.as_ptr(),
                )
            }
        })
    }
}

impl Drop for Fonts {
    fn drop(&mut self) {
        for f in self.made.values() {
            unsafe { DeleteObject(*f) };
        }
    }
}

/// Prints the sheet on `printer` (the PC's default when None); returns the
/// printer and the spooler's job number.
pub fn print(sheet: &Sheet, printer: Option<&str>, title: &str) -> Result<String> {
    let name = match printer {
        Some(p) => p.to_string(),
        None => default_printer()
            .ok_or_else(|| DeskError::Print(Words::new("desk-print-no-default")))?,
    };
    let _lent = LentFonts::lend();
    let wname = wide(&name);
    let driver = wide("WINSPOOL");
    let dc = unsafe {
        CreateDCW(
            driver.as_ptr(),
            wname.as_ptr(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    if dc.is_null() {
        return Err(DeskError::Print(
            Words::new("desk-print-not-a-printer").with("printer", &name),
        ));
    }
    let printer = Printer(dc);
    let device = unsafe {
        Device {
            dpi_x: GetDeviceCaps(dc, LOGPIXELSX as i32),
            dpi_y: GetDeviceCaps(dc, LOGPIXELSY as i32),
            offset_x: GetDeviceCaps(dc, PHYSICALOFFSETX as i32),
            offset_y: GetDeviceCaps(dc, PHYSICALOFFSETY as i32),
        }
    };
    let doc_name = wide(title);
    let info = DOCINFOW {
        cbSize: std::mem::size_of::<DOCINFOW>() as i32,
        lpszDocName: doc_name.as_ptr(),
        ..Default::default()
    };
    let job = unsafe { StartDocW(printer.0, &info) };
    if job <= 0 {
        return Err(refused(std::io::Error::last_os_error()));
    }
    let mut fonts = Fonts {
        made: HashMap::new(),
    };
    let drawn = sheet
        .pages
        .iter()
        .try_for_each(|page| draw_page(printer.0, &device, &mut fonts, sheet, page));
    if let Err(e) = drawn {
        unsafe { AbortDoc(printer.0) };
        return Err(e);
    }
    if unsafe { EndDoc(printer.0) } <= 0 {
        return Err(refused(std::io::Error::last_os_error()));
    }
    Ok(format!("{name}-{job}"))
}

fn draw_page(
    dc: HDC,
    device: &Device,
    fonts: &mut Fonts,
    sheet: &Sheet,
    page: &super::layout::Page,
) -> Result<()> {
    if unsafe { StartPage(dc) } <= 0 {
        return Err(refused(std::io::Error::last_os_error()));
    }
    unsafe {
        SetBkMode(dc, TRANSPARENT as i32);
        SetTextAlign(dc, TA_BASELINE | TA_LEFT);
        SetTextColor(dc, 0);
    }
    for mark in &page.marks {
        match mark {
            Mark::Text {
                baseline_mm,
                size_pt,
                runs,
            } => {
                let height = device.font_height(*size_pt);
                let y = device.y(*baseline_mm);
                for run in runs {
                    unsafe { SelectObject(dc, fonts.get(run.face, height)) };
                    if run.glyphs.is_empty() {
                        let text: Vec<u16> = run.drawn_text.encode_utf16().collect();
                        unsafe {
                            TextOutW(dc, device.x(run.x_mm), y, text.as_ptr(), text.len() as i32)
                        };
                        continue;
                    }
                    // Shaped text by glyph index, each where shaping put it:
                    // GDI neither reorders nor reshapes what it is given so.
                    for g in &run.glyphs {
                        let x = device.x(run.x_mm + g.x / PT_PER_MM);
                        let gy = device.y(*baseline_mm - g.rise / PT_PER_MM);
                        unsafe {
                            ExtTextOutW(
                                dc,
                                x,
                                gy,
                                ETO_GLYPH_INDEX,
                                std::ptr::null(),
                                &g.id,
                                1,
                                std::ptr::null(),
                            )
                        };
                    }
                }
            }
            Mark::Fill {
                x_mm,
                top_mm,
                w_mm,
                h_mm,
                gray,
            } => {
                let b = device.rect(*x_mm, *top_mm, *w_mm, *h_mm);
                let level = u32::from((gray.clamp(0.0, 1.0) * 255.0) as u8);
                let rect = RECT {
                    left: b.x,
                    top: b.y,
                    right: b.x + b.w,
                    bottom: b.y + b.h,
                };
                unsafe {
                    let brush = CreateSolidBrush(level | level << 8 | level << 16);
                    FillRect(dc, &rect, brush);
                    DeleteObject(brush);
                }
            }
            Mark::Image {
                x_mm,
                top_mm,
                w_mm,
                h_mm,
                picture,
            } => {
                if let Some(p) = sheet.pictures.get(*picture) {
                    draw_picture(dc, device, p, (*x_mm, *top_mm, *w_mm, *h_mm))?;
                }
            }
        }
    }
    if unsafe { EndPage(dc) } <= 0 {
        return Err(refused(std::io::Error::last_os_error()));
    }
    Ok(())
}

fn draw_picture(dc: HDC, device: &Device, p: &Picture, mm: (f32, f32, f32, f32)) -> Result<()> {
    let img = image::load_from_memory(&p.bytes)
        .map_err(|e| DeskError::Receipt(Words::new("desk-receipt-image").with("cause", e)))?
        .to_rgb8();
    let (w, h) = img.dimensions();
    // A DIB's rows are 4-byte aligned and blue first; a negative height
    // makes it top-down, as the image is.
    let stride = (w as usize * 3).div_ceil(4) * 4;
    let mut bits = vec![0u8; stride * h as usize];
    for (y, row) in img.rows().enumerate() {
        for (x, px) in row.enumerate() {
            let at = y * stride + x * 3;
            bits[at] = px[2];
            bits[at + 1] = px[1];
            bits[at + 2] = px[0];
        }
    }
    let info = BITMAPINFO {
        bmiHeader: BITMAPINFOHEADER {
            biSize: std::mem::size_of::<BITMAPINFOHEADER>() as u32,
            biWidth: w as i32,
            biHeight: -(h as i32),
            biPlanes: 1,
            biBitCount: 24,
            biCompression: BI_RGB,
            ..Default::default()
        },
        ..Default::default()
    };
    let at = device.picture(p, mm.0, mm.1, mm.2, mm.3);
    let mode = match p.scaling {
        Scaling::Smooth => HALFTONE,
        Scaling::WholePixels | Scaling::Modules { .. } => COLORONCOLOR,
    };
    let lines = unsafe {
        SetStretchBltMode(dc, mode);
        StretchDIBits(
            dc,
            at.x,
            at.y,
            at.w,
            at.h,
            0,
            0,
            w as i32,
            h as i32,
            bits.as_ptr().cast(),
            &info,
            DIB_RGB_COLORS,
            SRCCOPY,
        )
    };
    if lines == 0 {
        return Err(refused(std::io::Error::last_os_error()));
    }
    Ok(())
}
