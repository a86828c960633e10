; Kontor's Windows installer (pkg11b), made on Linux with Debian's makensis (apt nsis) instead of the Tauri
; bundler's NSIS step, which downloads NSIS plugins from GitHub. A per-user install (no administrator):
; the app into %LOCALAPPDATA%\Programs\<product>, a Start-menu entry, an uninstaller listed in "Apps".
; WebView2 is not bundled: Windows 11 has it, Windows 10 gets it with Edge updates (else install it from
; Microsoft). Silent install: `setup.exe /S` (also what an update would run).
;
;   makensis -DPRODUCT="Kontor Demo" -DBINARY=kontor-demo -DIDENT=de.kontor.demo -DVERSION=0.1.0 \
;     -DPUBLISHER="Kontor demo" -DEXE=$PWD/kontor.exe -DICON=$PWD/icons/icon.ico \
;     -DLOADER=$PWD/WebView2Loader.dll \
;     -DOUTFILE=$PWD/Kontor_Demo_0.1.0_x64-setup.exe scripts/windows-installer.nsi
; LOADER: a kontor.exe linked with MinGW (x86_64-pc-windows-gnu) loads WebView2Loader.dll at run time (the MSVC
; build links it statically); cargo puts it next to the .exe (target/x86_64-pc-windows-gnu/release/).
; (absolute paths: makensis resolves relative ones from this file's folder)
Unicode true
SetCompressor /SOLID lzma
RequestExecutionLevel user

!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${IDENT}"

Name "${PRODUCT}"
OutFile "${OUTFILE}"
Icon "${ICON}"
UninstallIcon "${ICON}"
InstallDir "$LOCALAPPDATA\Programs\${PRODUCT}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${PRODUCT}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "CompanyName" "${PUBLISHER}"
VIAddVersionKey "FileDescription" "${PRODUCT} setup"
VIAddVersionKey "LegalCopyright" "${PUBLISHER}"

Page directory
Page instfiles
UninstPage uninstConfirm
UninstPage instfiles

Section "Install"
  SetOutPath "$INSTDIR"
  File "/oname=${BINARY}.exe" "${EXE}"
!ifdef LOADER
  File "${LOADER}"
!endif
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortCut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\${BINARY}.exe"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${BINARY}.exe"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  Delete "$INSTDIR\${BINARY}.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  DeleteRegKey HKCU "${UNINST_KEY}"
SectionEnd
