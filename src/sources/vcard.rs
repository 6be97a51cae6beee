//! vCard reader (stub until the reader lands).
use crate::model::SourceKind;
use crate::sources::FileRead;
pub fn sniff(bytes: &[u8]) -> bool {
    bytes
        .windows(11)
        .any(|w| w.eq_ignore_ascii_case(b"BEGIN:VCARD"))
}
pub fn read(_path: &str, _bytes: &[u8]) -> FileRead {
    FileRead::new(SourceKind::Vcard)
}
