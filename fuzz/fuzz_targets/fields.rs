//! Reading a fuzz input as fields: the builder targets share this layout.

/// The next field of `rest`: a one-byte length (taken as is, cut to what is left) and that
/// many bytes; `rest` moves past it. An empty field once `rest` is empty.
pub fn take<'a>(rest: &mut &'a [u8]) -> &'a [u8] {
    let Some((&len, after)) = rest.split_first() else {
        return &[];
    };
    let len = usize::from(len).min(after.len());
    let (field, after) = after.split_at(len);
    *rest = after;
    field
}

/// A field as text, lossily decoded as UTF-8.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
