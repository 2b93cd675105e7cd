//! Which FDA security control categories each MDS2 question speaks to, and the coverage a
//! completed form gives each category.
//!
//! The eight categories are those of FDA's premarket cybersecurity guidance (Sept 2023,
//! §V.B.1, detailed in Appendix 1). The links are Baton's reading, not FDA's or NEMA's: a
//! question is linked to a category only when its answer says whether a control of that
//! category is present. Questions that describe the device (what it stores, which ports it
//! has, whether it runs an OS) or the manufacturer's paperwork map to no category, because a
//! `No` there is not a missing control.
//!
//! Most questions are phrased so that `Yes` means the control is there. A few are phrased the
//! other way round ("unauthorized software can be installed without tools"); they carry
//! `yes_is_weakness: true` and a reason, and [`coverage`] counts their answers inverted.

use serde::{Deserialize, Serialize};

use crate::form::{Answer, Mds2Form};

/// FDA premarket security control categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FdaCategory {
    Authentication,
    Authorization,
    Cryptography,
    /// Code, data and execution integrity.
    Integrity,
    Confidentiality,
    EventDetectionLogging,
    ResiliencyRecovery,
    /// Updatability and patchability (Appendix 1: "Firmware and Software Updates").
    Updatability,
}

impl FdaCategory {
    /// All categories in the guidance's order.
    pub const ALL: [FdaCategory; 8] = [
        FdaCategory::Authentication,
        FdaCategory::Authorization,
        FdaCategory::Cryptography,
        FdaCategory::Integrity,
        FdaCategory::Confidentiality,
        FdaCategory::EventDetectionLogging,
        FdaCategory::ResiliencyRecovery,
        FdaCategory::Updatability,
    ];

    /// The key used in JSON and on the command line, e.g. `event-detection-logging`.
    pub fn key(self) -> &'static str {
        match self {
            FdaCategory::Authentication => "authentication",
            FdaCategory::Authorization => "authorization",
            FdaCategory::Cryptography => "cryptography",
            FdaCategory::Integrity => "integrity",
            FdaCategory::Confidentiality => "confidentiality",
            FdaCategory::EventDetectionLogging => "event-detection-logging",
            FdaCategory::ResiliencyRecovery => "resiliency-recovery",
            FdaCategory::Updatability => "updatability",
        }
    }

    /// The category's name in the guidance.
    pub fn title(self) -> &'static str {
        match self {
            FdaCategory::Authentication => "Authentication",
            FdaCategory::Authorization => "Authorization",
            FdaCategory::Cryptography => "Cryptography",
            FdaCategory::Integrity => "Code, Data, and Execution Integrity",
            FdaCategory::Confidentiality => "Confidentiality",
            FdaCategory::EventDetectionLogging => "Event Detection and Logging",
            FdaCategory::ResiliencyRecovery => "Resiliency and Recovery",
            FdaCategory::Updatability => "Updatability and Patchability",
        }
    }

    /// The category with this key.
    pub fn from_key(key: &str) -> Option<FdaCategory> {
        FdaCategory::ALL.into_iter().find(|c| c.key() == key)
    }
}

/// One question–category link and why it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Link {
    pub category: FdaCategory,
    pub reason: &'static str,
}

/// The categories one question speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct QuestionMapping {
    pub id: &'static str,
    pub links: &'static [Link],
    /// `Yes` reports a weakness rather than a control, so coverage reads the answer inverted.
    pub yes_is_weakness: bool,
    /// Why `Yes` is a weakness; empty when `yes_is_weakness` is false.
    pub weakness_reason: &'static str,
}

macro_rules! map {
    ($id:literal, [$($cat:ident: $reason:literal),+ $(,)?]) => {
        QuestionMapping {
            id: $id,
            links: &[$(Link { category: FdaCategory::$cat, reason: $reason }),+],
            yes_is_weakness: false,
            weakness_reason: "",
        }
    };
}

macro_rules! weak {
    ($id:literal, $why:literal, [$($cat:ident: $reason:literal),+ $(,)?]) => {
        QuestionMapping {
            id: $id,
            links: &[$(Link { category: FdaCategory::$cat, reason: $reason }),+],
            yes_is_weakness: true,
            weakness_reason: $why,
        }
    };
}

/// The linked questions, in catalogue order. Questions not listed map to no category.
pub static MAPPING: &[QuestionMapping] = &[
    map!("DOC-8", [Updatability: "a disclosure program is how outside findings reach the manufacturer's patch process"]),
    map!("MPII-2.5", [Confidentiality: "local PII can be deleted automatically once stored elsewhere"]),
    map!("ALOF-1", [Authorization: "idle sessions end and need re-authentication (FDA: timed session termination)"]),
    map!("ALOF-2", [Authorization: "the owner can set how soon idle sessions end"]),
    map!("AUDT-1", [EventDetectionLogging: "asks whether the device keeps its own audit log"]),
    map!("AUDT-1.1", [EventDetectionLogging: "audit entries say which user acted"]),
    weak!("AUDT-1.2", "PII in the audit trail exposes patient data to anyone who reads the logs",
        [Confidentiality: "asks whether the audit trail holds other PII"]),
    map!("AUDT-2", [EventDetectionLogging: "asks which events are logged"]),
    map!("AUDT-2.1", [EventDetectionLogging: "successful logins and logouts are logged"]),
    map!("AUDT-2.2", [EventDetectionLogging: "failed logins are logged, so attempts can be detected"]),
    map!("AUDT-2.3", [EventDetectionLogging: "privilege changes are logged"]),
    map!("AUDT-2.4", [EventDetectionLogging: "user account changes are logged"]),
    map!("AUDT-2.5", [EventDetectionLogging: "display or printing of clinical data or PII is logged"]),
    map!("AUDT-2.6", [EventDetectionLogging: "data creation, change and deletion are logged"]),
    map!("AUDT-2.7", [EventDetectionLogging: "removable-media import and export are logged"]),
    map!("AUDT-2.8", [EventDetectionLogging: "network and point-to-point traffic is logged"]),
    map!("AUDT-2.8.1", [EventDetectionLogging: "remote and on-site support sessions are logged"]),
    map!("AUDT-2.8.2", [EventDetectionLogging: "API activity is logged"]),
    map!("AUDT-2.9", [EventDetectionLogging: "emergency access is logged"]),
    map!("AUDT-2.10", [EventDetectionLogging: "other events such as software updates are logged"]),
    map!("AUDT-2.11", [EventDetectionLogging: "the audit capability is documented (FDA: document logs)"]),
    map!("AUDT-3", [EventDetectionLogging: "the owner can choose which events are logged"]),
    map!("AUDT-4", [EventDetectionLogging: "the attributes recorded per event are listed"]),
    map!("AUDT-4.1", [EventDetectionLogging: "events are time-stamped"]),
    map!("AUDT-4.1.1", [EventDetectionLogging: "log time can be synchronised, so events line up across systems"]),
    map!("AUDT-5", [EventDetectionLogging: "logs can be exported for off-device storage and review"]),
    map!("AUDT-5.1", [EventDetectionLogging: "logs can be exported on physical media"]),
    map!("AUDT-5.2", [EventDetectionLogging: "logs can be sent to a SIEM (IHE ATNA)"]),
    map!("AUDT-5.3", [EventDetectionLogging: "logs can be exported by other channels"]),
    map!("AUDT-5.4", [
        Cryptography: "audit logs are encrypted in transit or at rest",
        Confidentiality: "audit logs are protected from disclosure",
    ]),
    map!("AUDT-6", [EventDetectionLogging: "the owner can monitor and review the logs"]),
    map!("AUDT-7", [
        Integrity: "audit logs are protected from modification",
        EventDetectionLogging: "tamper-resistant logs keep their forensic value",
    ]),
    map!("AUDT-7.1", [Confidentiality: "audit logs are protected from access"]),
    map!("AUDT-8", [EventDetectionLogging: "the device can analyse its own logs"]),
    map!("AUTH-1", [
        Authentication: "asks whether the device authenticates users before giving access",
        Authorization: "unauthorised users are kept out (FDA: limit access by authenticating users)",
    ]),
    map!("AUTH-1.1", [Authentication: "credentials can be managed by a federated service (LDAP, OAuth)"]),
    map!("AUTH-1.2", [Authorization: "the customer can push its own access policies"]),
    map!("AUTH-2", [Authorization: "privileges follow roles (FDA: role-based least privilege)"]),
    weak!("AUTH-3", "unrestricted local administrator rights work against least privilege",
        [Authorization: "asks whether the owner can take unrestricted admin rights"]),
    map!("AUTH-4", [Authorization: "every API request is authorised by the device"]),
    map!("AUTH-5", [Authorization: "kiosk mode restricts what users can reach by default"]),
    map!("CSUP-2.1", [Updatability: "the owner has instructions to install OS patches"]),
    map!("CSUP-2.3", [Updatability: "OS patches can be installed remotely"]),
    map!("CSUP-2.4", [Updatability: "OS vendor security updates may go in without waiting for the manufacturer"]),
    map!("CSUP-3.1", [Updatability: "the owner has instructions to install driver and firmware patches"]),
    map!("CSUP-3.3", [Updatability: "driver and firmware patches can be installed remotely"]),
    map!("CSUP-3.4", [Updatability: "driver and firmware vendor updates may go in without waiting for the manufacturer"]),
    map!("CSUP-4.1", [Updatability: "the owner has instructions to update anti-malware"]),
    map!("CSUP-4.3", [Updatability: "anti-malware updates can be installed remotely"]),
    map!("CSUP-4.4", [Updatability: "anti-malware vendor updates may go in without waiting for the manufacturer"]),
    map!("CSUP-5.1", [Updatability: "the owner has instructions to patch non-OS COTS components"]),
    map!("CSUP-5.3", [Updatability: "COTS patches can be installed remotely"]),
    map!("CSUP-5.4", [Updatability: "COTS vendor updates may go in without waiting for the manufacturer"]),
    map!("CSUP-6.1", [Updatability: "the owner has instructions to patch other software components"]),
    map!("CSUP-6.3", [Updatability: "other components' patches can be installed remotely"]),
    map!("CSUP-6.4", [Updatability: "other components' vendor updates may go in without waiting for the manufacturer"]),
    map!("CSUP-7", [Updatability: "the customer is told when updates are approved"]),
    map!("CSUP-8", [Updatability: "updates install automatically"]),
    map!("CSUP-9", [Integrity: "an approved list bounds which third-party software may run"]),
    map!("CSUP-10.1", [Integrity: "unapproved software is blocked from installation"]),
    map!("CSUP-11", [Updatability: "the manufacturer assesses vulnerabilities and updates"]),
    map!("CSUP-11.1", [Updatability: "customers learn whether each update is approved"]),
    map!("CSUP-11.2", [Updatability: "updates are reviewed on a set cycle"]),
    map!("DIDT-1", [Confidentiality: "the device can de-identify PII before it leaves"]),
    map!("DIDT-1.1", [Confidentiality: "de-identification follows DICOM profiles"]),
    map!("DTBK-2", [ResiliencyRecovery: "a factory reset restores a known default configuration"]),
    map!("DTBK-3", [ResiliencyRecovery: "data can be backed up to removable media"]),
    map!("DTBK-4", [ResiliencyRecovery: "data can be backed up to remote storage"]),
    map!("DTBK-5", [ResiliencyRecovery: "configuration and software can be restored from backup"]),
    map!("DTBK-6", [
        Integrity: "backups can be checked for integrity and authenticity",
        ResiliencyRecovery: "a restore starts from a backup known to be good",
    ]),
    map!("EMRG-1", [Authentication: "defines what the device does when normal login cannot be completed"]),
    map!("IGAU-1", [Integrity: "stored health data is checked for integrity (hash, signature)"]),
    map!("IGAU-2", [ResiliencyRecovery: "stored health data survives failures (e.g. RAID)"]),
    map!("MLDP-2", [EventDetectionLogging: "anti-malware is supported (FDA lists it under event detection)"]),
    map!("MLDP-2.1", [EventDetectionLogging: "anti-malware ships enabled"]),
    map!("MLDP-2.2", [EventDetectionLogging: "anti-malware is available as an option"]),
    map!("MLDP-2.3", [EventDetectionLogging: "the owner can install and update anti-malware"]),
    map!("MLDP-2.4", [EventDetectionLogging: "the owner can configure anti-malware"]),
    map!("MLDP-2.5", [EventDetectionLogging: "users are told when malware is detected"]),
    map!("MLDP-2.7", [EventDetectionLogging: "malware detections are logged"]),
    map!("MLDP-3", [EventDetectionLogging: "other controls stand in where anti-malware cannot run"]),
    map!("MLDP-4", [Integrity: "only allow-listed software may execute"]),
    map!("MLDP-5", [
        Integrity: "host intrusion detection/prevention guards runtime integrity",
        EventDetectionLogging: "host intrusion detection reports attacks",
    ]),
    map!("MLDP-5.1", [EventDetectionLogging: "the customer can configure host intrusion detection"]),
    map!("MLDP-5.2", [EventDetectionLogging: "the customer can install host intrusion detection"]),
    map!("NAUT-1", [Authentication: "network peers are authenticated"]),
    map!("NAUT-2", [Authorization: "network access is restricted (FDA: deny by default)"]),
    map!("NAUT-2.1", [Authorization: "the firewall rules are documented"]),
    map!("NAUT-3", [
        Authentication: "network connections are authenticated with certificates",
        Cryptography: "certificate-based authentication relies on managed keys",
    ]),
    weak!("CONN-6", "a device that needs the internet to work loses its function when the link fails",
        [ResiliencyRecovery: "asks whether intended use depends on an internet connection"]),
    map!("CONN-7", [
        Cryptography: "connections can use TLS",
        Confidentiality: "TLS keeps data in transit from disclosure",
    ]),
    map!("CONN-7.1", [Cryptography: "TLS versions and ciphers can be configured"]),
    map!("PAUT-1", [Authentication: "every user and role, service accounts included, has a unique ID and password"]),
    map!("PAUT-1.1", [Authentication: "unique IDs and passwords are enforced"]),
    map!("PAUT-2", [Authentication: "users can be authenticated by an external directory"]),
    map!("PAUT-3", [Authentication: "accounts lock after repeated failed logons"]),
    map!("PAUT-4", [Authentication: "default accounts are disclosed, so they can be changed or disabled"]),
    map!("PAUT-5", [Authentication: "all passwords can be changed (FDA: no unchangeable passwords)"]),
    map!("PAUT-6", [Authentication: "password complexity follows the owner's policy"]),
    map!("PAUT-7", [Authentication: "passwords can be made to expire"]),
    map!("PAUT-8", [Authentication: "multi-factor authentication is supported"]),
    map!("PAUT-9", [Authentication: "single sign-on is supported"]),
    map!("PAUT-10", [Authorization: "accounts can be disabled or locked"]),
    map!("PAUT-11", [Authentication: "biometric authentication is supported"]),
    map!("PAUT-12", [Authentication: "physical tokens (badges) are supported"]),
    weak!("PAUT-13", "group logins are shared credentials, which FDA advises against",
        [Authentication: "asks whether users authenticate as a group"]),
    map!("PAUT-14.1", [
        Confidentiality: "stored credentials are protected",
        Cryptography: "secure credential storage means hashing or encryption",
    ]),
    map!("PLOK-2", [Confidentiality: "parts holding PII cannot be removed without tools"]),
    map!("PLOK-3", [Confidentiality: "parts holding PII sit behind a keyed lock"]),
    map!("PLOK-4", [Authorization: "removable-media access can be locked"]),
    map!("RDMP-1", [Integrity: "a secure development process reviews the code"]),
    map!("RDMP-2", [Integrity: "third-party components are vetted for secure development"]),
    map!("RDMP-3", [Updatability: "software support dates and updates are published"]),
    map!("RDMP-4", [Updatability: "third-party end-of-life is planned for"]),
    map!("SBOM-1", [EventDetectionLogging: "an SBOM exists (FDA lists software configuration records here)"]),
    map!("SBOM-2", [EventDetectionLogging: "the SBOM follows a standard format"]),
    map!("SBOM-2.1", [EventDetectionLogging: "the SBOM names the software components"]),
    map!("SBOM-2.2", [EventDetectionLogging: "the SBOM names component suppliers"]),
    map!("SBOM-2.3", [EventDetectionLogging: "the SBOM gives versions"]),
    map!("SBOM-2.4", [EventDetectionLogging: "the SBOM has further descriptive fields"]),
    map!("SBOM-3", [EventDetectionLogging: "the device can list its installed software"]),
    map!("SBOM-4", [EventDetectionLogging: "the SBOM is kept current as software changes"]),
    map!("SAHD-1", [Integrity: "the system is hardened to an industry standard"]),
    map!("SAHD-3", [Integrity: "software integrity is checked"]),
    map!("SAHD-3.1", [Integrity: "installed software is verified as the manufacturer's"]),
    map!("SAHD-3.2", [
        Integrity: "updates are verified as the manufacturer's",
        Authentication: "updates are authenticated before installation",
    ]),
    map!("SAHD-4", [Integrity: "the owner can check software for tampering"]),
    map!("SAHD-5", [Authorization: "access to files or patients can be restricted"]),
    map!("SAHD-5.1", [Authorization: "access control is role-based"]),
    map!("SAHD-6", [Authorization: "accounts are restricted or disabled at delivery"]),
    map!("SAHD-6.1", [Authorization: "the owner can configure accounts after set-up"]),
    map!("SAHD-6.2", [Authorization: "service accounts are held to least privilege"]),
    map!("SAHD-7", [Authorization: "unneeded file shares are disabled"]),
    map!("SAHD-8", [Authorization: "unneeded ports and protocols are disabled (FDA: deny by default)"]),
    map!("SAHD-9", [Authorization: "unneeded services are removed or disabled"]),
    map!("SAHD-10", [Integrity: "unneeded applications are removed, leaving less code that can be abused"]),
    map!("SAHD-11", [Integrity: "booting from uncontrolled media can be prevented"]),
    weak!("SAHD-12", "software or hardware can be added without tools, so the installed code is not under control",
        [Integrity: "asks whether unauthorised software or hardware can be installed without tools"]),
    map!("SAHD-13", [ResiliencyRecovery: "network scanning is documented (FDA: withstand scanning)"]),
    map!("SAHD-14", [Integrity: "the device can be hardened further"]),
    map!("SAHD-14.1", [Integrity: "instructions for further hardening exist"]),
    map!("SAHD-15", [Integrity: "BIOS and bootloader access can be blocked"]),
    map!("SAHD-16", [Integrity: "further hardening methods are used"]),
    map!("SGUD-2", [Confidentiality: "data can be deleted permanently"]),
    map!("SGUD-3", [Authentication: "all access accounts are documented (no hidden accounts)"]),
    map!("SGUD-3.1", [Authentication: "the owner controls the passwords of every account"]),
    map!("STCF-1", [
        Cryptography: "data at rest can be encrypted",
        Confidentiality: "encryption at rest protects stored data",
    ]),
    map!("STCF-1.1", [Confidentiality: "all stored data is encrypted or otherwise protected"]),
    map!("STCF-1.2", [
        Cryptography: "encryption at rest is on by default",
        Confidentiality: "stored data is protected out of the box",
    ]),
    map!("STCF-1.3", [Cryptography: "customers can configure encryption at rest"]),
    map!("STCF-2", [Cryptography: "encryption keys can be changed (key management)"]),
    map!("TXCF-1", [Confidentiality: "PII travels only over a dedicated cable"]),
    map!("TXCF-2", [
        Cryptography: "PII is encrypted before transmission",
        Confidentiality: "transmitted PII is protected from disclosure",
    ]),
    map!("TXCF-2.1", [
        Cryptography: "customers can turn on transmission encryption",
        Confidentiality: "transmitted PII can be protected",
    ]),
    map!("TXCF-3", [Confidentiality: "PII goes only to a fixed list of destinations"]),
    map!("TXCF-4", [Authentication: "connections are limited to authenticated systems"]),
    map!("TXCF-5", [Confidentiality: "PII travels over the protocols the form counts as secure"]),
    map!("TXIG-1", [Integrity: "transmitted data is protected from modification (e.g. signatures)"]),
    map!("RMOT-1.1", [Authorization: "remote service sessions start only when the owner allows"]),
    map!("RMOT-1.2", [EventDetectionLogging: "an active remote session is visible on the device"]),
    weak!("RMOT-1.3", "patient data visible to remote service staff is a disclosure path",
        [Confidentiality: "asks whether patient data is visible in remote sessions"]),
];

/// The mapping entry for `id`, if the question is linked to any category.
pub fn mapping(id: &str) -> Option<&'static QuestionMapping> {
    MAPPING.iter().find(|m| m.id == id)
}

/// The question IDs linked to `category`, in catalogue order.
pub fn questions_for(category: FdaCategory) -> impl Iterator<Item = &'static QuestionMapping> {
    MAPPING
        .iter()
        .filter(move |m| m.links.iter().any(|l| l.category == category))
}

/// How well a completed form covers one category.
///
/// Counts are of *effective* answers: `Yes` means the control is there ("supported"), `No`
/// that it is not. For questions marked `yes_is_weakness` the answer is inverted first, so a
/// `No` to "can software be installed without tools?" counts as supported and a `Yes` as a gap.
/// Linked questions the form lacks count as unanswered; IDs outside the catalogue count nowhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryCoverage {
    pub category: FdaCategory,
    /// Number of questions linked to the category.
    pub questions: usize,
    pub yes: usize,
    pub no: usize,
    pub not_applicable: usize,
    pub unanswered: usize,
    pub other: usize,
    /// IDs whose effective answer is `No`: the control is reported absent.
    pub gaps: Vec<String>,
}

/// Coverage of every category, in [`FdaCategory::ALL`] order.
pub fn coverage(form: &Mds2Form) -> Vec<CategoryCoverage> {
    FdaCategory::ALL
        .into_iter()
        .map(|category| {
            let mut c = CategoryCoverage {
                category,
                questions: 0,
                yes: 0,
                no: 0,
                not_applicable: 0,
                unanswered: 0,
                other: 0,
                gaps: Vec::new(),
            };
            for m in questions_for(category) {
                c.questions += 1;
                let answer = form.answer(m.id).map_or(&Answer::Unanswered, |a| &a.answer);
                match (answer, m.yes_is_weakness) {
                    (Answer::Yes, false) | (Answer::No, true) => c.yes += 1,
                    (Answer::No, false) | (Answer::Yes, true) => {
                        c.no += 1;
                        c.gaps.push(m.id.to_string());
                    }
                    (Answer::NotApplicable, _) => c.not_applicable += 1,
                    (Answer::Unanswered, _) => c.unanswered += 1,
                    (Answer::Other(_), _) => c.other += 1,
                }
            }
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue;
    use crate::form::Mds2Answer;

    fn unknown_ids() -> Vec<&'static str> {
        MAPPING
            .iter()
            .filter(|m| catalogue::question(m.id).is_none())
            .map(|m| m.id)
            .collect()
    }

    #[test]
    fn every_mapped_id_is_catalogued_once_and_in_order() {
        assert!(unknown_ids().is_empty(), "{:?}", unknown_ids());
        let positions: Vec<usize> = MAPPING
            .iter()
            .filter_map(|m| catalogue::position(m.id))
            .collect();
        assert!(
            positions.windows(2).all(|w| w[0] < w[1]),
            "not in catalogue order or duplicated"
        );
    }

    #[test]
    fn links_have_reasons_and_weaknesses_explain_themselves() {
        for m in MAPPING {
            assert!(!m.links.is_empty(), "{}", m.id);
            let mut cats: Vec<_> = m.links.iter().map(|l| l.category).collect();
            cats.sort();
            cats.dedup();
            assert_eq!(cats.len(), m.links.len(), "{} links a category twice", m.id);
            for l in m.links {
                assert!(
                    !l.reason.trim().is_empty() && !l.reason.contains('\n'),
                    "{}",
                    m.id
                );
            }
            assert_eq!(m.yes_is_weakness, !m.weakness_reason.is_empty(), "{}", m.id);
        }
    }

    #[test]
    fn text_and_heading_questions_are_not_controls() {
        for m in MAPPING {
            let q = catalogue::question(m.id).map(|q| q.domain);
            assert_eq!(q, Some(catalogue::AnswerDomain::YesNoNa), "{}", m.id);
        }
    }

    #[test]
    fn every_category_has_questions_and_keys_round_trip() {
        for c in FdaCategory::ALL {
            assert!(questions_for(c).count() > 0, "{}", c.key());
            assert_eq!(FdaCategory::from_key(c.key()), Some(c));
            let json = serde_json::to_string(&c).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", c.key()));
        }
    }

    #[test]
    fn questions_per_category() {
        // Pinned so a change to the table is a deliberate one.
        let counts: Vec<(&str, usize)> = FdaCategory::ALL
            .into_iter()
            .map(|c| (c.key(), questions_for(c).count()))
            .collect();
        assert_eq!(
            counts,
            vec![
                ("authentication", 22),
                ("authorization", 21),
                ("cryptography", 11),
                ("integrity", 22),
                ("confidentiality", 20),
                ("event-detection-logging", 47),
                ("resiliency-recovery", 8),
                ("updatability", 23),
            ]
        );
        assert_eq!(MAPPING.len(), 161);
        let weak: Vec<&str> = MAPPING
            .iter()
            .filter(|m| m.yes_is_weakness)
            .map(|m| m.id)
            .collect();
        assert_eq!(
            weak,
            [
                "AUDT-1.2", "AUTH-3", "CONN-6", "PAUT-13", "SAHD-12", "RMOT-1.3"
            ]
        );
    }

    fn row(id: &str, answer: Answer) -> Mds2Answer {
        Mds2Answer {
            id: id.into(),
            question: String::new(),
            answer,
            note: None,
            row: 0,
        }
    }

    fn cov(form: &Mds2Form, c: FdaCategory) -> CategoryCoverage {
        coverage(form)
            .into_iter()
            .find(|x| x.category == c)
            .unwrap_or_else(|| panic!("{c:?} missing"))
    }

    #[test]
    fn coverage_counts_and_gaps() {
        let mut form = Mds2Form::new("MDS2");
        form.answers = vec![
            row("PAUT-1", Answer::Yes),
            row("PAUT-3", Answer::No),
            row("PAUT-8", Answer::NotApplicable),
            row("PAUT-13", Answer::No), // weakness absent: supported
            row("EMRG-1", Answer::Yes),
            row("AUTH-1", Answer::Other("Yes, LDAP".into())),
            row("XYZ-1", Answer::No), // unknown: counted nowhere
            row("DOC-1", Answer::Other("Acme".into())),
        ];
        let c = cov(&form, FdaCategory::Authentication);
        let linked = questions_for(FdaCategory::Authentication).count();
        assert_eq!(c.questions, linked);
        assert_eq!((c.yes, c.no, c.not_applicable, c.other), (3, 1, 1, 1));
        assert_eq!(c.unanswered, linked - 6);
        assert_eq!(c.gaps, vec!["PAUT-3".to_string()]);
        assert_eq!(
            c.yes + c.no + c.not_applicable + c.unanswered + c.other,
            c.questions
        );
    }

    #[test]
    fn weakness_yes_is_a_gap() {
        let mut form = Mds2Form::new("MDS2");
        form.answers = vec![row("SAHD-12", Answer::Yes), row("SAHD-11", Answer::Yes)];
        let c = cov(&form, FdaCategory::Integrity);
        assert_eq!(c.gaps, vec!["SAHD-12".to_string()]);
        assert_eq!((c.yes, c.no), (1, 1));
    }

    #[test]
    fn empty_form_is_all_unanswered() {
        for c in coverage(&Mds2Form::new("x")) {
            assert_eq!(c.unanswered, c.questions);
            assert!(c.gaps.is_empty());
        }
    }
}
