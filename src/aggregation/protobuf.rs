//! The protobuf wire format, as much of it as the KPL's messages need: varints, tags and
//! length-delimited fields written, and any field read and skipped (protobuf encoding guide,
//! "Message Structure").
//!
//! The reader follows protobuf-java's `CodedInputStream`, which the KCL parses with, where the
//! guide leaves a choice: a varint takes at most 10 bytes and its bits past 64 are dropped; a tag
//! or a length is a varint cut to 32 bits; a length whose 32 bits are negative as an `int`, a
//! field number 0, the wire types 6 and 7, and an end-group tag outside its group are malformed;
//! groups are skipped to their matching end tag, at most 100 deep (its default recursion limit).

/// Wire type 0: a varint.
pub(super) const VARINT: u32 = 0;
/// Wire type 1: 8 bytes.
const I64: u32 = 1;
/// Wire type 2: a varint length, then that many bytes.
pub(super) const LEN: u32 = 2;
/// Wire type 3: the start of a group, skipped to its end tag.
const START_GROUP: u32 = 3;
/// Wire type 4: the end of a group.
const END_GROUP: u32 = 4;
/// Wire type 5: 4 bytes.
const I32: u32 = 5;

/// Most bytes a varint takes (a 64-bit value, 7 bits a byte).
const MAX_VARINT_LEN: usize = 10;

/// How deep groups may nest (protobuf-java's default recursion limit).
const MAX_GROUP_DEPTH: usize = 100;

/// The tag byte of field `number` with wire type `wire_type`, for the field numbers below 16 the
/// KPL's messages use.
pub(super) const fn tag(number: u32, wire_type: u32) -> u8 {
    ((number << 3) | wire_type) as u8
}

/// The bytes `value` takes as a varint, 1 to 10.
pub(super) const fn varint_len(value: u64) -> usize {
    // 7 bits a byte; a zero still takes one byte.
    let bits = 64 - (value | 1).leading_zeros() as usize;
    bits.div_ceil(7)
}

/// The bytes a length-delimited field of `len` bytes takes: its one-byte tag, the length as a
/// varint, the bytes.
pub(super) const fn len_field_size(len: usize) -> usize {
    1 + varint_len(len as u64) + len
}

/// The bytes a varint field takes: its one-byte tag and the varint.
pub(super) const fn varint_field_size(value: u64) -> usize {
    1 + varint_len(value)
}

/// Appends `value` as a varint.
#[inline]
pub(super) fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        // The low 7 bits, with the continuation bit.
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Appends a varint field: its tag byte, then the value.
#[inline]
pub(super) fn put_varint_field(out: &mut Vec<u8>, tag: u8, value: u64) {
    out.push(tag);
    put_varint(out, value);
}

/// Appends a length-delimited field: its tag byte, the length, the bytes.
#[inline]
pub(super) fn put_len_field(out: &mut Vec<u8>, tag: u8, bytes: &[u8]) {
    out.push(tag);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// The bytes are not a message protobuf-java would parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Malformed;

/// A field's value, as far as the KPL's messages need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Value<'a> {
    /// Wire type 0.
    Varint(u64),
    /// Wire type 2: the field's bytes.
    Len(&'a [u8]),
    /// Any other wire type, skipped (no field of the KPL's messages has one).
    Skipped,
}

/// One field of a message: its number, its wire type and its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Field<'a> {
    pub(super) number: u32,
    pub(super) wire_type: u32,
    pub(super) value: Value<'a>,
}

impl Field<'_> {
    /// Whether the field is number `number` with wire type `wire_type`. protobuf-java treats a
    /// known number with another wire type as an unknown field, skipped.
    pub(super) fn is(&self, number: u32, wire_type: u32) -> bool {
        self.number == number && self.wire_type == wire_type
    }
}

/// Reads the fields of one message, in order.
#[derive(Debug, Clone)]
pub(super) struct Reader<'a> {
    rest: &'a [u8],
    /// How deep the message is nested: 0 for the outermost.
    depth: usize,
}

impl<'a> Reader<'a> {
    /// A reader of the outermost message, whose bytes are `message`.
    pub(super) const fn new(message: &'a [u8]) -> Self {
        Reader {
            rest: message,
            depth: 0,
        }
    }

    /// A reader of a message held in a field of the message this reader reads.
    pub(super) const fn nested(&self, message: &'a [u8]) -> Self {
        Reader {
            rest: message,
            depth: self.depth + 1,
        }
    }

    /// The next field; `None` at the end of the message.
    #[inline]
    pub(super) fn next_field(&mut self) -> Option<Result<Field<'a>, Malformed>> {
        if self.rest.is_empty() {
            return None;
        }
        Some(self.read_field())
    }

    #[inline]
    fn read_field(&mut self) -> Result<Field<'a>, Malformed> {
        let (number, wire_type) = self.read_tag()?;
        let value = match wire_type {
            VARINT => Value::Varint(self.read_varint()?),
            LEN => Value::Len(self.read_len()?),
            I64 => self.skip(8)?,
            I32 => self.skip(4)?,
            START_GROUP => {
                self.skip_group(number, self.depth + 1)?;
                Value::Skipped
            }
            // An end-group tag outside a group, or wire type 6 or 7.
            _ => return Err(Malformed),
        };
        Ok(Field {
            number,
            wire_type,
            value,
        })
    }

    /// A tag: a varint cut to 32 bits, its field number (not 0) and its wire type.
    #[inline]
    fn read_tag(&mut self) -> Result<(u32, u32), Malformed> {
        let tag = self.read_varint()? as u32;
        let number = tag >> 3;
        if number == 0 {
            return Err(Malformed);
        }
        Ok((number, tag & 7))
    }

    /// A varint of at most 10 bytes; bits past 64 are dropped.
    #[inline]
    fn read_varint(&mut self) -> Result<u64, Malformed> {
        // One byte: every tag, index and length below 128.
        if let Some((&byte, rest)) = self.rest.split_first()
            && byte < 0x80
        {
            self.rest = rest;
            return Ok(u64::from(byte));
        }
        self.read_long_varint()
    }

    fn read_long_varint(&mut self) -> Result<u64, Malformed> {
        let mut value = 0u64;
        for (i, &byte) in self.rest.iter().take(MAX_VARINT_LEN).enumerate() {
            value |= u64::from(byte & 0x7f).wrapping_shl(7 * i as u32);
            if byte < 0x80 {
                self.rest = &self.rest[i + 1..];
                return Ok(value);
            }
        }
        // Truncated, or still going on at the tenth byte.
        Err(Malformed)
    }

    /// A length (a varint cut to 32 bits, read as a non-negative `int`), then that many bytes.
    #[inline]
    fn read_len(&mut self) -> Result<&'a [u8], Malformed> {
        let len = self.read_varint()? as u32;
        if len > i32::MAX as u32 {
            return Err(Malformed);
        }
        let len = usize::try_from(len).map_err(|_| Malformed)?;
        if len > self.rest.len() {
            return Err(Malformed);
        }
        let (bytes, rest) = self.rest.split_at(len);
        self.rest = rest;
        Ok(bytes)
    }

    fn skip(&mut self, len: usize) -> Result<Value<'a>, Malformed> {
        self.rest = self.rest.get(len..).ok_or(Malformed)?;
        Ok(Value::Skipped)
    }

    /// Skips the fields of group `number` up to its end tag; the group is `depth` deep.
    fn skip_group(&mut self, number: u32, depth: usize) -> Result<(), Malformed> {
        if depth > MAX_GROUP_DEPTH {
            return Err(Malformed);
        }
        loop {
            if self.rest.is_empty() {
                return Err(Malformed);
            }
            let (inner, wire_type) = self.read_tag()?;
            match wire_type {
                VARINT => {
                    self.read_varint()?;
                }
                LEN => {
                    self.read_len()?;
                }
                I64 => {
                    self.skip(8)?;
                }
                I32 => {
                    self.skip(4)?;
                }
                START_GROUP => self.skip_group(inner, depth + 1)?,
                END_GROUP if inner == number => return Ok(()),
                _ => return Err(Malformed),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(bytes: &[u8]) -> Result<Vec<Field<'_>>, Malformed> {
        let mut reader = Reader::new(bytes);
        std::iter::from_fn(|| reader.next_field()).collect()
    }

    #[test]
    fn varints_round_trip_at_every_length() {
        let mut values = vec![0, 1, 127, 128, 300, u64::MAX];
        values.extend((1..64).flat_map(|b| [(1u64 << b) - 1, 1u64 << b]));
        for v in values {
            let mut out = Vec::new();
            put_varint_field(&mut out, tag(1, VARINT), v);
            assert_eq!(out.len(), varint_field_size(v), "{v}");
            assert_eq!(
                fields(&out).unwrap(),
                [Field {
                    number: 1,
                    wire_type: VARINT,
                    value: Value::Varint(v)
                }]
            );
        }
        assert_eq!(varint_len(0), 1);
        assert_eq!(varint_len(127), 1);
        assert_eq!(varint_len(128), 2);
        assert_eq!(varint_len(u64::MAX), 10);
    }

    #[test]
    fn length_delimited_fields_round_trip() {
        for len in [0, 1, 127, 128, 16_384, 70_000] {
            let data = vec![7u8; len];
            let mut out = Vec::new();
            put_len_field(&mut out, tag(3, LEN), &data);
            assert_eq!(out.len(), len_field_size(len));
            let read = fields(&out).unwrap();
            assert_eq!(read.len(), 1);
            assert!(read[0].is(3, LEN));
            assert_eq!(read[0].value, Value::Len(&data[..]));
        }
    }

    #[test]
    fn varints_read_as_protobuf_java_reads_them() {
        // The tenth byte's bits past 64 are dropped.
        assert_eq!(
            fields(&[
                0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f
            ])
            .unwrap()[0]
                .value,
            Value::Varint(u64::MAX)
        );
        // An eleventh byte, or a varint cut short, is malformed.
        assert_eq!(
            fields(&[
                0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x80, 0x00
            ]),
            Err(Malformed)
        );
        assert_eq!(fields(&[0x08, 0x80]), Err(Malformed));
        assert_eq!(fields(&[0x08]), Err(Malformed));
        // A tag is cut to 32 bits: 2^32 + 8 reads as field 1, wire type 0.
        assert!(fields(&[0x88, 0x80, 0x80, 0x80, 0x10, 0x05]).unwrap()[0].is(1, VARINT));
        // ... and 2^32 as field number 0, which is malformed.
        assert_eq!(
            fields(&[0x80, 0x80, 0x80, 0x80, 0x10, 0x05]),
            Err(Malformed)
        );
    }

    #[test]
    fn lengths_are_checked() {
        // Longer than what is left.
        assert_eq!(fields(&[0x1a, 0x02, 0x00]), Err(Malformed));
        // Negative as a 32-bit int.
        assert_eq!(
            fields(&[0x1a, 0xff, 0xff, 0xff, 0xff, 0x0f]),
            Err(Malformed)
        );
        // Cut to 32 bits: 2^32 + 1 is a length of 1.
        assert_eq!(
            fields(&[0x1a, 0x81, 0x80, 0x80, 0x80, 0x10, 0x61]).unwrap()[0].value,
            Value::Len(b"a")
        );
    }

    #[test]
    fn other_wire_types_are_skipped_or_refused() {
        let read = fields(&[0x09, 1, 2, 3, 4, 5, 6, 7, 8, 0x0d, 1, 2, 3, 4, 0x08, 0x01]).unwrap();
        assert_eq!(read[0].value, Value::Skipped);
        assert_eq!(read[1].value, Value::Skipped);
        assert!(read[2].is(1, VARINT));
        assert_eq!(fields(&[0x09, 1, 2, 3]), Err(Malformed));
        assert_eq!(fields(&[0x0d, 1, 2, 3]), Err(Malformed));
        // Wire types 6 and 7, and an end-group tag on its own.
        assert_eq!(fields(&[0x0e]), Err(Malformed));
        assert_eq!(fields(&[0x0f]), Err(Malformed));
        assert_eq!(fields(&[0x0c]), Err(Malformed));
        // Field number 0.
        assert_eq!(fields(&[0x00]), Err(Malformed));
    }

    #[test]
    fn groups_are_skipped_to_their_own_end() {
        // Group 1 holding a varint and group 2, then a varint field.
        let read = fields(&[0x0b, 0x08, 0x05, 0x13, 0x14, 0x0c, 0x10, 0x01]).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].value, Value::Skipped);
        assert!(read[1].is(2, VARINT));
        // Ended by another group's end tag, or not ended at all.
        assert_eq!(fields(&[0x0b, 0x14]), Err(Malformed));
        assert_eq!(fields(&[0x0b, 0x08, 0x05]), Err(Malformed));
        // 100 groups deep is fine, 101 is not; in a nested message, one less.
        let nested = |depth: usize| [vec![0x0b; depth], vec![0x0c; depth]].concat();
        assert!(fields(&nested(100)).is_ok());
        assert_eq!(fields(&nested(101)), Err(Malformed));
        let bytes = nested(100);
        let mut inner = Reader::new(&[]).nested(&bytes);
        assert_eq!(inner.next_field(), Some(Err(Malformed)));
        let bytes = nested(99);
        let mut inner = Reader::new(&[]).nested(&bytes);
        assert!(matches!(inner.next_field(), Some(Ok(_))));
    }
}
