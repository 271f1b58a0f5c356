//! The Failure ID of the Kubernetes book's 500 (`UseFailureId=true`): a
//! random GUID as .NET's `Guid.NewGuid()` prints it,
//! `8c3e4f52-1b0a-4f6e-9d2c-7a5b3e1f0c9d`. The book logs the same text the
//! client got, so a student can find the failure in the logs by its id
//! (its chapter on logging does just that).

use std::fmt;

/// One failure's id: a version 4 (random) UUID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureId([u8; 16]);

impl FailureId {
    /// A fresh random id.
    pub fn new() -> Self {
        Self::from_random(rand::random())
    }

    /// The id made of these random bytes, with the version (4) and variant
    /// (RFC 4122) bits set, as `Guid.NewGuid()` sets them.
    pub fn from_random(mut bytes: [u8; 16]) -> Self {
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        Self(bytes)
    }
}

impl Default for FailureId {
    fn default() -> Self {
        Self::new()
    }
}

/// .NET's default ("D") format: 32 lowercase hex digits in groups of 8, 4,
/// 4, 4 and 12.
impl fmt::Display for FailureId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, byte) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_printed_as_dotnet_prints_a_guid() {
        let id = FailureId::from_random([0xff; 16]);
        assert_eq!(id.to_string(), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let id = FailureId::from_random([0; 16]);
        assert_eq!(id.to_string(), "00000000-0000-4000-8000-000000000000");
    }

    #[test]
    fn ids_differ() {
        assert_ne!(FailureId::new(), FailureId::new());
    }
}
