//! The word `Utilities.HttpCheck` prints for a status: .NET 8's
//! `HttpStatusCode` name, or the number.

/// .NET 8's names, one per status, sorted by status.
#[rustfmt::skip]
const NAMES: [(u16, &str); 61] = [
    (100, "Continue"), (101, "SwitchingProtocols"), (102, "Processing"), (103, "EarlyHints"),
    (200, "OK"), (201, "Created"), (202, "Accepted"), (203, "NonAuthoritativeInformation"),
    (204, "NoContent"), (205, "ResetContent"), (206, "PartialContent"), (207, "MultiStatus"),
    (208, "AlreadyReported"), (226, "IMUsed"), (300, "MultipleChoices"), (301, "MovedPermanently"),
    (302, "Found"), (303, "SeeOther"), (304, "NotModified"), (305, "UseProxy"), (306, "Unused"),
    (307, "RedirectKeepVerb"), (308, "PermanentRedirect"), (400, "BadRequest"),
    (401, "Unauthorized"), (402, "PaymentRequired"), (403, "Forbidden"), (404, "NotFound"),
    (405, "MethodNotAllowed"), (406, "NotAcceptable"), (407, "ProxyAuthenticationRequired"),
    (408, "RequestTimeout"), (409, "Conflict"), (410, "Gone"), (411, "LengthRequired"),
    (412, "PreconditionFailed"), (413, "RequestEntityTooLarge"), (414, "RequestUriTooLong"),
    (415, "UnsupportedMediaType"), (416, "RequestedRangeNotSatisfiable"),
    (417, "ExpectationFailed"), (421, "MisdirectedRequest"), (422, "UnprocessableEntity"),
    (423, "Locked"), (424, "FailedDependency"), (426, "UpgradeRequired"),
    (428, "PreconditionRequired"), (429, "TooManyRequests"), (431, "RequestHeaderFieldsTooLarge"),
    (451, "UnavailableForLegalReasons"), (500, "InternalServerError"), (501, "NotImplemented"),
    (502, "BadGateway"), (503, "ServiceUnavailable"), (504, "GatewayTimeout"),
    (505, "HttpVersionNotSupported"), (506, "VariantAlsoNegotiates"), (507, "InsufficientStorage"),
    (508, "LoopDetected"), (510, "NotExtended"), (511, "NetworkAuthenticationRequired"),
];

/// What .NET prints for `status`: its enum name, or the number.
pub fn name(status: u16) -> String {
    match NAMES.binary_search_by_key(&status, |&(code, _)| code) {
        Ok(at) => NAMES[at].1.to_string(),
        Err(_) => status.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_so_the_search_finds_every_name() {
        assert!(NAMES.windows(2).all(|pair| pair[0].0 < pair[1].0));
        for (code, word) in NAMES {
            assert_eq!(name(code), word);
        }
    }

    #[test]
    fn the_statuses_the_lab_sees_have_their_dotnet_names() {
        assert_eq!(name(200), "OK");
        assert_eq!(name(500), "InternalServerError");
        assert_eq!(name(404), "NotFound");
        assert_eq!(name(503), "ServiceUnavailable");
    }

    #[test]
    fn every_standard_status_from_100_to_511_is_named() {
        let named = (100..=511).filter(|&code| name(code) != code.to_string());
        assert_eq!(named.count(), 61);
    }

    #[test]
    fn twins_print_as_dotnet_8_prints_them() {
        assert_eq!(name(300), "MultipleChoices");
        assert_eq!(name(301), "MovedPermanently");
        assert_eq!(name(302), "Found");
        assert_eq!(name(303), "SeeOther");
        assert_eq!(name(307), "RedirectKeepVerb");
        assert_eq!(name(422), "UnprocessableEntity");
    }

    #[test]
    fn a_status_dotnet_does_not_name_prints_as_its_number() {
        for code in [99, 104, 209, 299, 418, 425, 430, 499, 509, 512, 599, 999] {
            assert_eq!(name(code), code.to_string());
        }
    }
}
