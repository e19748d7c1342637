//! The KPL's aggregated record: its framing (magic, protobuf, MD5) and its three protobuf
//! messages, written in the KPL's field order and read as protobuf-java reads them (the KPL's
//! `aggregation-format.md` and `messages.proto`; the KCL's `AggregatorUtil`).

use md5::{Digest, Md5};

use super::kpl_layout;
use super::protobuf::{self, LEN, Malformed, Reader, VARINT, Value};

/// The 4 bytes an aggregate starts with ("magic number", `aggregation-format.md`).
pub(super) const MAGIC: [u8; 4] = [0xF3, 0x89, 0x9A, 0xC2];

/// The MD5 digest of the protobuf bytes, which ends an aggregate.
pub(super) const DIGEST_LEN: usize = 16;

/// What an aggregate adds to its protobuf bytes: the magic and the digest.
pub(super) const OVERHEAD: usize = MAGIC.len() + DIGEST_LEN;

// `message AggregatedRecord`: `repeated string partition_key_table = 1;
// repeated string explicit_hash_key_table = 2; repeated Record records = 3;`
const PARTITION_KEY_TABLE: u32 = 1;
const EXPLICIT_HASH_KEY_TABLE: u32 = 2;
const RECORDS: u32 = 3;
/// The tag byte of a partition key table entry (`0x0A`).
pub(super) const PARTITION_KEY_TABLE_TAG: u8 = protobuf::tag(PARTITION_KEY_TABLE, LEN);
/// The tag byte of an explicit hash key table entry (`0x12`).
pub(super) const EXPLICIT_HASH_KEY_TABLE_TAG: u8 = protobuf::tag(EXPLICIT_HASH_KEY_TABLE, LEN);
const RECORDS_TAG: u8 = protobuf::tag(RECORDS, LEN);

// `message Record`: `required uint64 partition_key_index = 1; optional uint64
// explicit_hash_key_index = 2; required bytes data = 3; repeated Tag tags = 4;`
const PARTITION_KEY_INDEX: u32 = 1;
const EXPLICIT_HASH_KEY_INDEX: u32 = 2;
const DATA: u32 = 3;
const TAGS: u32 = 4;

// `message Tag`: `required string key = 1; optional string value = 2;`
const TAG_KEY: u32 = 1;

/// The protobuf bytes of `data` when its framing is an aggregate's: more than 16 bytes after the
/// magic, and the last 16 the MD5 of those before them. Otherwise the KCL passes the record
/// through as it is (`AggregatorUtil.deaggregate`).
pub(super) fn framed_protobuf(data: &[u8]) -> Option<&[u8]> {
    let body = data.strip_prefix(&MAGIC)?;
    if body.len() <= DIGEST_LEN {
        return None;
    }
    let (message, digest) = body.split_at(body.len() - DIGEST_LEN);
    (Md5::digest(message).as_slice() == digest).then_some(message)
}

/// The fields of one `Record`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RecordFields<'a> {
    pub(super) partition_key_index: u64,
    pub(super) explicit_hash_key_index: Option<u64>,
    pub(super) data: &'a [u8],
}

impl<'a> RecordFields<'a> {
    /// The bytes of the `Record` message.
    const fn message_len(
        partition_key_index: u64,
        explicit_hash_key_index: Option<u64>,
        data_len: usize,
    ) -> usize {
        let ehk = match explicit_hash_key_index {
            Some(i) => protobuf::varint_field_size(i),
            None => 0,
        };
        protobuf::varint_field_size(partition_key_index) + ehk + protobuf::len_field_size(data_len)
    }

    /// The bytes the record takes in the `records` field of an `AggregatedRecord`, its tag and
    /// length included.
    pub(super) const fn field_len(&self) -> usize {
        protobuf::len_field_size(Self::message_len(
            self.partition_key_index,
            self.explicit_hash_key_index,
            self.data.len(),
        ))
    }

    /// Appends the record as a `records` field, its fields in number order as the KPL writes
    /// them (`08 .. 10 .. 1A ..`), the required ones always, even when 0 or empty: protobuf-java
    /// refuses a message without them. Returns where the data starts in `out`.
    pub(super) fn put(&self, out: &mut Vec<u8>) -> usize {
        let len = Self::message_len(
            self.partition_key_index,
            self.explicit_hash_key_index,
            self.data.len(),
        );
        out.push(RECORDS_TAG);
        protobuf::put_varint(out, len as u64);
        let pk_tag = protobuf::tag(PARTITION_KEY_INDEX, VARINT);
        protobuf::put_varint_field(out, pk_tag, self.partition_key_index);
        if let Some(i) = self.explicit_hash_key_index {
            protobuf::put_varint_field(out, protobuf::tag(EXPLICIT_HASH_KEY_INDEX, VARINT), i);
        }
        out.push(protobuf::tag(DATA, LEN));
        protobuf::put_varint(out, self.data.len() as u64);
        let data_at = out.len();
        out.extend_from_slice(self.data);
        data_at
    }

    /// Reads a `Record` message: the last occurrence of a field wins, unknown fields (and known
    /// ones of another wire type) are skipped, and the required fields must be there, in the
    /// record and in each of its tags.
    #[inline]
    fn read(mut reader: Reader<'a>) -> Result<Self, Malformed> {
        let mut partition_key_index = None;
        let mut explicit_hash_key_index = None;
        let mut data = None;
        while let Some(field) = reader.next_field() {
            let field = field?;
            match field.value {
                Value::Varint(v) if field.is(PARTITION_KEY_INDEX, VARINT) => {
                    partition_key_index = Some(v);
                }
                Value::Varint(v) if field.is(EXPLICIT_HASH_KEY_INDEX, VARINT) => {
                    explicit_hash_key_index = Some(v);
                }
                Value::Len(bytes) if field.is(DATA, LEN) => data = Some(bytes),
                Value::Len(bytes) if field.is(TAGS, LEN) => check_tag(reader.nested(bytes))?,
                _ => {}
            }
        }
        Ok(RecordFields {
            partition_key_index: partition_key_index.ok_or(Malformed)?,
            explicit_hash_key_index,
            data: data.ok_or(Malformed)?,
        })
    }
}

/// A `Tag` must hold its required `key`.
fn check_tag(mut reader: Reader<'_>) -> Result<(), Malformed> {
    let mut has_key = false;
    while let Some(field) = reader.next_field() {
        has_key |= field?.is(TAG_KEY, LEN);
    }
    if has_key { Ok(()) } else { Err(Malformed) }
}

/// How many partition keys, explicit hash keys and records an `AggregatedRecord` holds, read
/// without parsing the records; `None` if its fields do not parse.
pub(super) fn count_fields(message: &[u8]) -> Option<[usize; 3]> {
    let mut counts = [0usize; 3];
    let mut reader = Reader::new(message);
    while let Some(field) = reader.next_field() {
        let field = field.ok()?;
        for (count, number) in
            counts
                .iter_mut()
                .zip([PARTITION_KEY_TABLE, EXPLICIT_HASH_KEY_TABLE, RECORDS])
        {
            *count += usize::from(field.is(number, LEN));
        }
    }
    Some(counts)
}

/// One field of an `AggregatedRecord`, as far as reading it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TopField<'a> {
    PartitionKey(&'a [u8]),
    ExplicitHashKey(&'a [u8]),
    Record(RecordFields<'a>),
}

/// Reads the fields of an `AggregatedRecord` in the order they come (a reader takes any order),
/// skipping unknown ones.
#[derive(Debug, Clone)]
pub(super) struct TopFields<'a> {
    reader: Reader<'a>,
}

impl<'a> TopFields<'a> {
    pub(super) const fn new(message: &'a [u8]) -> Self {
        TopFields {
            reader: Reader::new(message),
        }
    }
}

impl<'a> Iterator for TopFields<'a> {
    type Item = Result<TopField<'a>, Malformed>;

    /// After an error, nothing more.
    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let next = self.read_next();
        if let Some(Err(_)) = next {
            self.reader = Reader::new(&[]);
        }
        next
    }
}

impl<'a> TopFields<'a> {
    #[inline]
    fn read_next(&mut self) -> Option<Result<TopField<'a>, Malformed>> {
        loop {
            let field = match self.reader.next_field()? {
                Ok(field) => field,
                Err(e) => return Some(Err(e)),
            };
            let Value::Len(bytes) = field.value else {
                continue;
            };
            return Some(Ok(if field.is(PARTITION_KEY_TABLE, LEN) {
                TopField::PartitionKey(bytes)
            } else if field.is(EXPLICIT_HASH_KEY_TABLE, LEN) {
                TopField::ExplicitHashKey(bytes)
            } else if field.is(RECORDS, LEN) {
                if let Some((pk, ehk, data)) = kpl_layout::read(bytes) {
                    TopField::Record(RecordFields {
                        partition_key_index: pk,
                        explicit_hash_key_index: ehk,
                        data,
                    })
                } else {
                    match RecordFields::read(self.reader.nested(bytes)) {
                        Ok(record) => TopField::Record(record),
                        Err(e) => return Some(Err(e)),
                    }
                }
            } else {
                continue;
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn read(message: &[u8]) -> Result<Vec<TopField<'_>>, Malformed> {
        TopFields::new(message).collect()
    }

    #[test]
    fn a_record_is_written_as_the_kpl_writes_it_and_read_back() {
        let record = RecordFields {
            partition_key_index: 0,
            explicit_hash_key_index: Some(3),
            data: b"xy",
        };
        let mut out = Vec::new();
        let data_at = record.put(&mut out);
        assert_eq!(
            out,
            [0x1a, 0x08, 0x08, 0x00, 0x10, 0x03, 0x1a, 0x02, b'x', b'y']
        );
        assert_eq!(&out[data_at..], b"xy");
        assert_eq!(out.len(), record.field_len());
        assert_eq!(read(&out).unwrap(), [TopField::Record(record)]);
        // Required fields are written when 0 or empty.
        let empty = RecordFields {
            partition_key_index: 0,
            explicit_hash_key_index: None,
            data: b"",
        };
        let mut out = Vec::new();
        empty.put(&mut out);
        assert_eq!(out, [0x1a, 0x04, 0x08, 0x00, 0x1a, 0x00]);
        assert_eq!(read(&out).unwrap(), [TopField::Record(empty)]);
    }

    #[test]
    fn a_record_without_a_required_field_does_not_parse() {
        // No data; no partition key index; a tag without its key.
        assert_eq!(read(&[0x1a, 0x02, 0x08, 0x00]), Err(Malformed));
        assert_eq!(read(&[0x1a, 0x02, 0x1a, 0x00]), Err(Malformed));
        assert_eq!(
            read(&[0x1a, 0x08, 0x08, 0x00, 0x1a, 0x00, 0x22, 0x02, 0x12, 0x00]),
            Err(Malformed)
        );
        // A known number with another wire type is an unknown field: data as a varint is no data.
        assert_eq!(read(&[0x1a, 0x04, 0x08, 0x00, 0x18, 0x00]), Err(Malformed));
    }

    #[test]
    fn fields_come_in_any_order_and_the_last_one_wins() {
        let message = [
            // A record of 14 bytes: data "a", index 5, data "b", index 1, a tag with its key.
            0x1a, 0x0e, 0x1a, 0x01, b'a', 0x08, 0x05, 0x1a, 0x01, b'b', 0x08, 0x01, 0x22, 0x02,
            0x0a, 0x00, //
            0x0a, 0x01, b'k', // a partition key after the record
            0x08, 0x07, // an unknown varint field 1 at the top
        ];
        assert_eq!(
            read(&message).unwrap(),
            [
                TopField::Record(RecordFields {
                    partition_key_index: 1,
                    explicit_hash_key_index: None,
                    data: b"b",
                }),
                TopField::PartitionKey(b"k"),
            ]
        );
    }

    /// A record's bytes, mostly in the KPL's layout, often not.
    fn record_bytes() -> impl Strategy<Value = Vec<u8>> {
        let byte = prop_oneof![4 => 0u8..4, 1 => any::<u8>()];
        let data = proptest::collection::vec(any::<u8>(), 0..300);
        let kpl =
            (byte.clone(), proptest::option::of(byte.clone()), data).prop_map(|(pk, ehk, data)| {
                let mut r = vec![0x08, pk];
                if let Some(e) = ehk {
                    r.extend([0x10, e]);
                }
                r.push(0x1a);
                protobuf::put_varint(&mut r, data.len() as u64);
                r.extend(data);
                r
            });
        let mutated =
            (kpl.clone(), any::<prop::sample::Index>(), any::<u8>()).prop_map(|(mut r, at, b)| {
                let at = at.index(r.len());
                r[at] = b;
                r
            });
        let cut = (kpl.clone(), any::<prop::sample::Index>()).prop_map(|(mut r, at)| {
            r.truncate(at.index(r.len() + 1));
            r
        });
        prop_oneof![3 => kpl, 2 => mutated, 1 => cut, 1 => proptest::collection::vec(byte, 0..12)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        /// Whatever `kpl_layout` reads, the general reader reads the same.
        #[test]
        fn the_kpl_layout_agrees_with_the_general_reader(record in record_bytes()) {
            if let Some((pk, ehk, data)) = kpl_layout::read(&record) {
                let general = RecordFields::read(Reader::new(&[]).nested(&record));
                let fast = RecordFields { partition_key_index: pk, explicit_hash_key_index: ehk, data };
                prop_assert_eq!(Ok(fast), general);
            }
        }
    }

    #[test]
    fn framing_follows_the_kcl() {
        let message = [0x0a, 0x01, b'k'];
        let framed = [&MAGIC[..], &message, Md5::digest(message).as_slice()].concat();
        assert_eq!(framed_protobuf(&framed), Some(&message[..]));
        // One byte of protobuf is enough; none is not.
        let one = [&MAGIC[..], &[0x00], Md5::digest([0x00]).as_slice()].concat();
        assert_eq!(framed_protobuf(&one), Some(&[0x00][..]));
        let none = [&MAGIC[..], Md5::digest([]).as_slice()].concat();
        assert_eq!(framed_protobuf(&none), None);
        // Wrong magic, wrong digest, too short.
        let mut bad = framed.clone();
        bad[0] ^= 1;
        assert_eq!(framed_protobuf(&bad), None);
        let mut bad = framed.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert_eq!(framed_protobuf(&bad), None);
        assert_eq!(framed_protobuf(&MAGIC[..3]), None);
        assert_eq!(framed_protobuf(b""), None);
    }
}
