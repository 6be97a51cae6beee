//! CSV readers (stub until the readers land).
use crate::model::SourceKind;
use crate::sources::{FileRead, ReadOptions};
pub fn sniff(bytes: &[u8]) -> bool {
    bytes.contains(&b',')
}
pub fn read(_path: &str, _bytes: &[u8], _opts: &ReadOptions) -> FileRead {
    FileRead::new(SourceKind::CsvGeneric)
}
pub fn parse_csv_map(arg: &str) -> Result<Vec<(String, String)>, String> {
    Ok(arg
        .split(',')
        .filter_map(|p| p.split_once('='))
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect())
}
