//! What the producer hands its caller to send ([`Transmit`]) and what it says of an answer it
//! cannot place ([`HandleError`]).

use http::Request;

/// The name of one handed-out request, to pair it with its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TransmitId(pub(crate) u64);

impl TransmitId {
    /// The id as a number: ids count up from 0.
    pub fn get(self) -> u64 {
        self.0
    }
}

/// The operation a [`Transmit`] calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// `PutRecords`, to the data plane.
    PutRecords,
    /// `ListShards`, to the control plane.
    ListShards,
    /// `DescribeStreamSummary`, to the control plane.
    DescribeStreamSummary,
}

/// A request to sign and send now; its answer goes to
/// [`handle_response`](super::Producer::handle_response) with its `id`, or its failure to
/// [`handle_transport_error`](super::Producer::handle_transport_error).
#[derive(Debug)]
pub struct Transmit {
    /// Pairs the answer with the request.
    pub id: TransmitId,
    /// What the request calls.
    pub operation: Operation,
    /// The unsigned request: sign it (SigV4, signing name `kinesis`) when it is sent.
    pub request: Request<Vec<u8>>,
}

/// An answer the producer could not place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HandleError {
    /// No request with this id is waiting for an answer: it was never handed out, or it was
    /// answered already.
    #[error("no request {} is waiting for an answer", .0.get())]
    UnknownTransmit(TransmitId),
}
