; The installer for one PC (an administrator runs it): Program Files\RAZCODE Desk,
; the app with its WebView2 loader and razdesk beside it, a Start menu entry,
; and an uninstaller in Apps & features. Built with Debian's makensis by
; scripts/windows.sh (defines: VERSION, APP_EXE, LOADER, CLI_EXE, ICON, OUT,
; COMPRESSOR: lzma for distribution, zlib for the tests' builds, made faster).
; The uninstaller removes only these files: each user's data, under their
; %LOCALAPPDATA%\RAZCODE Desk, stays. Silent: RAZCODE-Desk-setup.exe /S.
; A 64-bit installer (Debian's NSIS has the amd64 stubs): the desk is 64-bit.
Target amd64-unicode
SetCompressor /SOLID ${COMPRESSOR}
RequestExecutionLevel admin
!include "MUI2.nsh"
!include "x64.nsh"

Name "RAZCODE Desk"
OutFile "${OUT}"
InstallDir "$PROGRAMFILES64\RAZCODE Desk"
Icon "${ICON}"
UninstallIcon "${ICON}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "RAZCODE Desk"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "RAZCODE Desk installer"
VIAddVersionKey "LegalCopyright" "2026 RAZCODE Desk developers"

!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\RAZCODE Desk"

!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "Spanish"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "RAZCODE Desk needs 64-bit Windows." /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
FunctionEnd

Section "RAZCODE Desk"
  SetOutPath "$INSTDIR"
  File "/oname=razcode-desk.exe" "${APP_EXE}"
  File "/oname=WebView2Loader.dll" "${LOADER}"
  File "/oname=razdesk.exe" "${CLI_EXE}"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  SetShellVarContext all
  CreateShortcut "$SMPROGRAMS\RAZCODE Desk.lnk" "$INSTDIR\razcode-desk.exe"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "RAZCODE Desk"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "RAZCODE Desk"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\razcode-desk.exe"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Function un.onInit
  SetRegView 64
FunctionEnd

Section "Uninstall"
  SetShellVarContext all
  Delete "$SMPROGRAMS\RAZCODE Desk.lnk"
  Delete "$INSTDIR\razcode-desk.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\razdesk.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
SectionEnd
