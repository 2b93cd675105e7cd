//! The HN 1-2019 question catalogue: every question ID with its section and a short paraphrase.
//!
//! The text is Baton's own paraphrase, not the standard's wording (HN 1-2019 is copyrighted
//! and was not read; the IDs come from a completed 2019-format form). A test checks this table
//! against `shared/data/mds2/questions.tsv`, so the two cannot drift apart silently.

use serde::Serialize;

/// What kind of answer a question expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AnswerDomain {
    /// `Yes`, `No` or `N/A`, with an optional note.
    YesNoNa,
    /// Free text (manufacturer name, model, document ID, …).
    Text,
    /// A date (the document release date).
    Date,
    /// A heading row that groups sub-questions and takes no answer itself.
    SectionHeader,
}

/// One section of the form (e.g. `AUTH`, "Authorization").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Section {
    pub code: &'static str,
    pub title: &'static str,
}

/// One question of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Question {
    /// The ID as printed on the form, e.g. `AUDT-2.8.1`.
    pub id: &'static str,
    /// Section code, always the part of the ID before the dash.
    pub section: &'static str,
    pub domain: AnswerDomain,
    /// Short paraphrase of the question.
    pub text: &'static str,
}

const fn q(
    id: &'static str,
    section: &'static str,
    domain: AnswerDomain,
    text: &'static str,
) -> Question {
    Question {
        id,
        section,
        domain,
        text,
    }
}

const fn s(code: &'static str, title: &'static str) -> Section {
    Section { code, title }
}

/// The sections in the order the 2019 form lists them. `OTHR` (other security considerations)
/// is left out because the form the IDs were taken from has no such section.
pub static SECTIONS: &[Section] = &[
    s("DOC", "Document and Manufacturer Information"),
    s("MPII", "Management of Personally Identifiable Information"),
    s("ALOF", "Automatic Logoff"),
    s("AUDT", "Audit Controls"),
    s("AUTH", "Authorization"),
    s("CSUP", "Cyber Security Product Upgrades"),
    s("DIDT", "Health Data De-Identification"),
    s("DTBK", "Data Backup and Disaster Recovery"),
    s("EMRG", "Emergency Access"),
    s("IGAU", "Health Data Integrity and Authenticity"),
    s("MLDP", "Malware Detection/Protection"),
    s("NAUT", "Node Authentication"),
    s("CONN", "Connectivity Capabilities"),
    s("PAUT", "Person Authentication"),
    s("PLOK", "Physical Locks"),
    s(
        "RDMP",
        "Roadmap for Third Party Components in Device Life Cycle",
    ),
    s("SBOM", "Software Bill of Materials"),
    s("SAHD", "System and Application Hardening"),
    s("SGUD", "Security Guidance"),
    s("STCF", "Health Data Storage Confidentiality"),
    s("TXCF", "Transmission Confidentiality"),
    s("TXIG", "Transmission Integrity"),
    s("RMOT", "Remote Service"),
];

use AnswerDomain::{Date, SectionHeader, Text, YesNoNa};

/// Every question, in form order.
pub static QUESTIONS: &[Question] = &[
    q("DOC-1", "DOC", Text, "Manufacturer name"),
    q("DOC-2", "DOC", Text, "Device description"),
    q("DOC-3", "DOC", Text, "Device model(s)"),
    q("DOC-4", "DOC", Text, "Document ID"),
    q("DOC-5", "DOC", Text, "Manufacturer contact information"),
    q(
        "DOC-6",
        "DOC",
        Text,
        "Intended use of device in a network-connected environment",
    ),
    q("DOC-7", "DOC", Date, "Document release date"),
    q(
        "DOC-8",
        "DOC",
        YesNoNa,
        "Manufacturer has a coordinated vulnerability disclosure program for this device",
    ),
    q("DOC-9", "DOC", YesNoNa, "Manufacturer is part of an ISAO"),
    q(
        "DOC-10",
        "DOC",
        YesNoNa,
        "Network or data-flow diagram available",
    ),
    q(
        "DOC-11",
        "DOC",
        YesNoNa,
        "Device is Software as a Medical Device (software only)",
    ),
    q(
        "DOC-11.1",
        "DOC",
        YesNoNa,
        "SaMD contains an operating system",
    ),
    q(
        "DOC-11.2",
        "DOC",
        YesNoNa,
        "SaMD relies on an owner/operator-provided OS",
    ),
    q(
        "DOC-11.3",
        "DOC",
        YesNoNa,
        "SaMD hosted by the manufacturer",
    ),
    q("DOC-11.4", "DOC", YesNoNa, "SaMD hosted by the customer"),
    q(
        "MPII-1",
        "MPII",
        YesNoNa,
        "Can display/transmit/store/modify PII (e.g. ePHI)",
    ),
    q("MPII-2", "MPII", YesNoNa, "Maintains PII"),
    q(
        "MPII-2.1",
        "MPII",
        YesNoNa,
        "PII held temporarily in volatile memory",
    ),
    q(
        "MPII-2.2",
        "MPII",
        YesNoNa,
        "PII stored persistently on internal media",
    ),
    q(
        "MPII-2.3",
        "MPII",
        YesNoNa,
        "PII kept in non-volatile memory until explicitly erased",
    ),
    q("MPII-2.4", "MPII", YesNoNa, "PII stored in a database"),
    q(
        "MPII-2.5",
        "MPII",
        YesNoNa,
        "Configurable auto-delete of local PII after transfer to long-term storage",
    ),
    q(
        "MPII-2.6",
        "MPII",
        YesNoNa,
        "Imports/exports PII with other systems",
    ),
    q(
        "MPII-2.7",
        "MPII",
        YesNoNa,
        "PII retained when powered off / power interruption",
    ),
    q(
        "MPII-2.8",
        "MPII",
        YesNoNa,
        "Internal media removable by a service technician",
    ),
    q(
        "MPII-2.9",
        "MPII",
        YesNoNa,
        "PII can be stored apart from the OS (second drive, partition, remote)",
    ),
    q(
        "MPII-3",
        "MPII",
        YesNoNa,
        "Has mechanisms for transmitting/importing/exporting PII",
    ),
    q("MPII-3.1", "MPII", YesNoNa, "Displays PII"),
    q(
        "MPII-3.2",
        "MPII",
        YesNoNa,
        "Generates hardcopy reports/images with PII",
    ),
    q(
        "MPII-3.3",
        "MPII",
        YesNoNa,
        "Reads/writes PII on removable media",
    ),
    q(
        "MPII-3.4",
        "MPII",
        YesNoNa,
        "PII via dedicated cable (RS-232, USB, FireWire...)",
    ),
    q("MPII-3.5", "MPII", YesNoNa, "PII via wired network"),
    q(
        "MPII-3.6",
        "MPII",
        YesNoNa,
        "PII via wireless (Wi-Fi, Bluetooth, NFC, IR, cellular)",
    ),
    q(
        "MPII-3.7",
        "MPII",
        YesNoNa,
        "PII over an external network (internet)",
    ),
    q(
        "MPII-3.8",
        "MPII",
        YesNoNa,
        "Imports PII by scanning documents",
    ),
    q(
        "MPII-3.9",
        "MPII",
        YesNoNa,
        "PII via a proprietary protocol",
    ),
    q(
        "MPII-3.10",
        "MPII",
        YesNoNa,
        "Other PII transmit/import/export mechanism",
    ),
    q(
        "ALOF-1",
        "ALOF",
        YesNoNa,
        "Configurable forced re-authentication after inactivity (auto-logoff, session lock)",
    ),
    q(
        "ALOF-2",
        "ALOF",
        YesNoNa,
        "Inactivity period before auto-logoff/lock is configurable",
    ),
    q(
        "AUDT-1",
        "AUDT",
        YesNoNa,
        "Creates audit logs beyond standard OS logs",
    ),
    q("AUDT-1.1", "AUDT", YesNoNa, "Audit log records a user ID"),
    q(
        "AUDT-1.2",
        "AUDT",
        YesNoNa,
        "Other PII present in the audit trail",
    ),
    q(
        "AUDT-2",
        "AUDT",
        YesNoNa,
        "Events recorded in an audit log (see sub-items)",
    ),
    q(
        "AUDT-2.1",
        "AUDT",
        YesNoNa,
        "Event: successful login/logout",
    ),
    q(
        "AUDT-2.2",
        "AUDT",
        YesNoNa,
        "Event: unsuccessful login/logout",
    ),
    q(
        "AUDT-2.3",
        "AUDT",
        YesNoNa,
        "Event: modification of user privileges",
    ),
    q(
        "AUDT-2.4",
        "AUDT",
        YesNoNa,
        "Event: creation/modification/deletion of users",
    ),
    q(
        "AUDT-2.5",
        "AUDT",
        YesNoNa,
        "Event: presentation of clinical or PII data (display, print)",
    ),
    q(
        "AUDT-2.6",
        "AUDT",
        YesNoNa,
        "Event: creation/modification/deletion of data",
    ),
    q(
        "AUDT-2.7",
        "AUDT",
        YesNoNa,
        "Event: import/export of data via removable media",
    ),
    q(
        "AUDT-2.8",
        "AUDT",
        YesNoNa,
        "Event: receipt/transmission of data or commands over network/point-to-point",
    ),
    q(
        "AUDT-2.8.1",
        "AUDT",
        YesNoNa,
        "Event: remote or on-site support",
    ),
    q(
        "AUDT-2.8.2",
        "AUDT",
        YesNoNa,
        "Event: API and similar activity",
    ),
    q("AUDT-2.9", "AUDT", YesNoNa, "Event: emergency access"),
    q(
        "AUDT-2.10",
        "AUDT",
        YesNoNa,
        "Event: other (e.g. software updates)",
    ),
    q(
        "AUDT-2.11",
        "AUDT",
        YesNoNa,
        "Audit capability documented in more detail",
    ),
    q(
        "AUDT-3",
        "AUDT",
        YesNoNa,
        "Owner/operator can select which events are logged",
    ),
    q(
        "AUDT-4",
        "AUDT",
        YesNoNa,
        "List of data attributes captured per event is available",
    ),
    q("AUDT-4.1", "AUDT", YesNoNa, "Audit log records date/time"),
    q(
        "AUDT-4.1.1",
        "AUDT",
        YesNoNa,
        "Date/time can be synchronized via NTP or equivalent",
    ),
    q(
        "AUDT-5",
        "AUDT",
        YesNoNa,
        "Audit log content can be exported",
    ),
    q("AUDT-5.1", "AUDT", YesNoNa, "Export via physical media"),
    q(
        "AUDT-5.2",
        "AUDT",
        YesNoNa,
        "Export via IHE ATNA profile to SIEM",
    ),
    q(
        "AUDT-5.3",
        "AUDT",
        YesNoNa,
        "Export via other communications (service device, mobile app)",
    ),
    q(
        "AUDT-5.4",
        "AUDT",
        YesNoNa,
        "Audit logs encrypted in transit or on storage",
    ),
    q(
        "AUDT-6",
        "AUDT",
        YesNoNa,
        "Audit logs can be monitored/reviewed by owner/operator",
    ),
    q(
        "AUDT-7",
        "AUDT",
        YesNoNa,
        "Audit logs protected from modification",
    ),
    q(
        "AUDT-7.1",
        "AUDT",
        YesNoNa,
        "Audit logs protected from access",
    ),
    q(
        "AUDT-8",
        "AUDT",
        YesNoNa,
        "Audit logs can be analyzed by the device",
    ),
    q(
        "AUTH-1",
        "AUTH",
        YesNoNa,
        "Prevents access by unauthorized users (login or other mechanism)",
    ),
    q(
        "AUTH-1.1",
        "AUTH",
        YesNoNa,
        "Federated credential management for authorization (LDAP, OAuth)",
    ),
    q(
        "AUTH-1.2",
        "AUTH",
        YesNoNa,
        "Customer can push group policies (e.g. Active Directory)",
    ),
    q(
        "AUTH-1.3",
        "AUTH",
        YesNoNa,
        "Special groups / OUs / group policies required",
    ),
    q(
        "AUTH-2",
        "AUTH",
        YesNoNa,
        "Role-based privilege levels (user, administrator, service)",
    ),
    q(
        "AUTH-3",
        "AUTH",
        YesNoNa,
        "Owner/operator can grant itself unrestricted admin privileges (local root/admin)",
    ),
    q(
        "AUTH-4",
        "AUTH",
        YesNoNa,
        "Device authorizes/controls all API access requests",
    ),
    q(
        "AUTH-5",
        "AUTH",
        YesNoNa,
        "Runs in restricted access / kiosk mode by default",
    ),
    q(
        "CSUP-1",
        "CSUP",
        YesNoNa,
        "Contains SW/FW that may need security updates during operational life (No => N/A for section)",
    ),
    q(
        "CSUP-2",
        "CSUP",
        YesNoNa,
        "Device contains an operating system (Yes => answer 2.1-2.4)",
    ),
    q(
        "CSUP-2.1",
        "CSUP",
        YesNoNa,
        "[an operating system] documentation gives owner/operator patch installation instructions",
    ),
    q(
        "CSUP-2.2",
        "CSUP",
        YesNoNa,
        "[an operating system] patches require vendor or vendor-authorized service",
    ),
    q(
        "CSUP-2.3",
        "CSUP",
        YesNoNa,
        "[an operating system] remote installation of patches supported",
    ),
    q(
        "CSUP-2.4",
        "CSUP",
        YesNoNa,
        "[an operating system] third-party (e.g. OS vendor) security updates allowed without MDM approval",
    ),
    q(
        "CSUP-3",
        "CSUP",
        YesNoNa,
        "Device contains drivers and firmware (Yes => answer 3.1-3.4)",
    ),
    q(
        "CSUP-3.1",
        "CSUP",
        YesNoNa,
        "[drivers and firmware] documentation gives owner/operator patch installation instructions",
    ),
    q(
        "CSUP-3.2",
        "CSUP",
        YesNoNa,
        "[drivers and firmware] patches require vendor or vendor-authorized service",
    ),
    q(
        "CSUP-3.3",
        "CSUP",
        YesNoNa,
        "[drivers and firmware] remote installation of patches supported",
    ),
    q(
        "CSUP-3.4",
        "CSUP",
        YesNoNa,
        "[drivers and firmware] third-party (e.g. OS vendor) security updates allowed without MDM approval",
    ),
    q(
        "CSUP-4",
        "CSUP",
        YesNoNa,
        "Device contains anti-malware software (Yes => answer 4.1-4.4)",
    ),
    q(
        "CSUP-4.1",
        "CSUP",
        YesNoNa,
        "[anti-malware software] documentation gives owner/operator patch installation instructions",
    ),
    q(
        "CSUP-4.2",
        "CSUP",
        YesNoNa,
        "[anti-malware software] patches require vendor or vendor-authorized service",
    ),
    q(
        "CSUP-4.3",
        "CSUP",
        YesNoNa,
        "[anti-malware software] remote installation of patches supported",
    ),
    q(
        "CSUP-4.4",
        "CSUP",
        YesNoNa,
        "[anti-malware software] third-party (e.g. OS vendor) security updates allowed without MDM approval",
    ),
    q(
        "CSUP-5",
        "CSUP",
        YesNoNa,
        "Device contains non-OS COTS components (Yes => answer 5.1-5.4)",
    ),
    q(
        "CSUP-5.1",
        "CSUP",
        YesNoNa,
        "[non-OS COTS components] documentation gives owner/operator patch installation instructions",
    ),
    q(
        "CSUP-5.2",
        "CSUP",
        YesNoNa,
        "[non-OS COTS components] patches require vendor or vendor-authorized service",
    ),
    q(
        "CSUP-5.3",
        "CSUP",
        YesNoNa,
        "[non-OS COTS components] remote installation of patches supported",
    ),
    q(
        "CSUP-5.4",
        "CSUP",
        YesNoNa,
        "[non-OS COTS components] third-party (e.g. OS vendor) security updates allowed without MDM approval",
    ),
    q(
        "CSUP-6",
        "CSUP",
        YesNoNa,
        "Device contains other software components (e.g. asset/licence management) (Yes => answer 6.1-6.4)",
    ),
    q(
        "CSUP-6.1",
        "CSUP",
        YesNoNa,
        "[other software components (e.g. asset/licence management)] documentation gives owner/operator patch installation instructions",
    ),
    q(
        "CSUP-6.2",
        "CSUP",
        YesNoNa,
        "[other software components (e.g. asset/licence management)] patches require vendor or vendor-authorized service",
    ),
    q(
        "CSUP-6.3",
        "CSUP",
        YesNoNa,
        "[other software components (e.g. asset/licence management)] remote installation of patches supported",
    ),
    q(
        "CSUP-6.4",
        "CSUP",
        YesNoNa,
        "[other software components (e.g. asset/licence management)] third-party (e.g. OS vendor) security updates allowed without MDM approval",
    ),
    q(
        "CSUP-7",
        "CSUP",
        YesNoNa,
        "Manufacturer notifies customer when updates are approved for installation",
    ),
    q(
        "CSUP-8",
        "CSUP",
        YesNoNa,
        "Device installs software updates automatically",
    ),
    q(
        "CSUP-9",
        "CSUP",
        YesNoNa,
        "Manufacturer has an approved list of third-party software",
    ),
    q(
        "CSUP-10",
        "CSUP",
        YesNoNa,
        "Owner/operator may install manufacturer-approved third-party software",
    ),
    q(
        "CSUP-10.1",
        "CSUP",
        YesNoNa,
        "Mechanism prevents installation of unapproved software",
    ),
    q(
        "CSUP-11",
        "CSUP",
        YesNoNa,
        "Manufacturer has a process to assess device vulnerabilities and updates",
    ),
    q(
        "CSUP-11.1",
        "CSUP",
        YesNoNa,
        "Manufacturer gives customers review/approval status of updates",
    ),
    q(
        "CSUP-11.2",
        "CSUP",
        YesNoNa,
        "An update review cycle exists for the device",
    ),
    q(
        "DIDT-1",
        "DIDT",
        YesNoNa,
        "Integral capability to de-identify PII",
    ),
    q(
        "DIDT-1.1",
        "DIDT",
        YesNoNa,
        "Supports DICOM-conformant de-identification profiles",
    ),
    q(
        "DTBK-1",
        "DTBK",
        YesNoNa,
        "Long-term primary storage of PII/patient information (e.g. PACS)",
    ),
    q("DTBK-2", "DTBK", YesNoNa, "Factory reset function"),
    q(
        "DTBK-3",
        "DTBK",
        YesNoNa,
        "Integral backup to removable media",
    ),
    q(
        "DTBK-4",
        "DTBK",
        YesNoNa,
        "Integral backup to remote storage",
    ),
    q(
        "DTBK-5",
        "DTBK",
        YesNoNa,
        "Backup of system configuration, patch restoration and software restoration",
    ),
    q(
        "DTBK-6",
        "DTBK",
        YesNoNa,
        "Can check integrity/authenticity of a backup",
    ),
    q(
        "EMRG-1",
        "EMRG",
        YesNoNa,
        "Emergency access (break-glass) feature",
    ),
    q(
        "IGAU-1",
        "IGAU",
        YesNoNa,
        "Integrity checking of stored health data (hash, digital signature)",
    ),
    q(
        "IGAU-2",
        "IGAU",
        YesNoNa,
        "Error/failure protection and recovery for stored health data (e.g. RAID-5)",
    ),
    q(
        "MLDP-1",
        "MLDP",
        YesNoNa,
        "Capable of hosting executable software",
    ),
    q(
        "MLDP-2",
        "MLDP",
        YesNoNa,
        "Supports anti-malware software or mechanism (details in notes)",
    ),
    q(
        "MLDP-2.1",
        "MLDP",
        YesNoNa,
        "Anti-malware included by default",
    ),
    q(
        "MLDP-2.2",
        "MLDP",
        YesNoNa,
        "Anti-malware available as option",
    ),
    q(
        "MLDP-2.3",
        "MLDP",
        YesNoNa,
        "Documentation lets owner/operator install/update anti-malware",
    ),
    q(
        "MLDP-2.4",
        "MLDP",
        YesNoNa,
        "Owner/operator can (re)configure anti-malware settings",
    ),
    q(
        "MLDP-2.5",
        "MLDP",
        YesNoNa,
        "Malware detection shown in the device UI",
    ),
    q(
        "MLDP-2.6",
        "MLDP",
        YesNoNa,
        "Only manufacturer-authorized persons may repair after malware detection",
    ),
    q(
        "MLDP-2.7",
        "MLDP",
        YesNoNa,
        "Malware notifications written to a log",
    ),
    q(
        "MLDP-2.8",
        "MLDP",
        YesNoNa,
        "Restrictions on anti-malware (purchase, install, config, scheduling)",
    ),
    q(
        "MLDP-3",
        "MLDP",
        YesNoNa,
        "If no anti-malware: other compensating controls in place/available",
    ),
    q(
        "MLDP-4",
        "MLDP",
        YesNoNa,
        "Application allow-listing restricts permitted software/services",
    ),
    q(
        "MLDP-5",
        "MLDP",
        YesNoNa,
        "Host-based intrusion detection/prevention",
    ),
    q(
        "MLDP-5.1",
        "MLDP",
        YesNoNa,
        "HIDS/HIPS configurable by customer",
    ),
    q(
        "MLDP-5.2",
        "MLDP",
        YesNoNa,
        "HIDS/HIPS installable by customer",
    ),
    q(
        "NAUT-1",
        "NAUT",
        YesNoNa,
        "Node authentication so sender and recipient are known/authorized (web APIs, SMTP, SNMP)",
    ),
    q(
        "NAUT-2",
        "NAUT",
        YesNoNa,
        "Network access control (internal firewall, connection allow-list)",
    ),
    q(
        "NAUT-2.1",
        "NAUT",
        YesNoNa,
        "Firewall ruleset documented and available",
    ),
    q(
        "NAUT-3",
        "NAUT",
        YesNoNa,
        "Certificate-based network connection authentication",
    ),
    q(
        "CONN-1",
        "CONN",
        SectionHeader,
        "Hardware connectivity capabilities",
    ),
    q("CONN-1.1", "CONN", SectionHeader, "Wireless connections"),
    q("CONN-1.1.1", "CONN", YesNoNa, "Wi-Fi"),
    q("CONN-1.1.2", "CONN", YesNoNa, "Bluetooth"),
    q(
        "CONN-1.1.3",
        "CONN",
        YesNoNa,
        "Other wireless networking (LTE, Zigbee, proprietary)",
    ),
    q(
        "CONN-1.1.4",
        "CONN",
        YesNoNa,
        "Other wireless connections (custom RF controls, wireless detectors)",
    ),
    q("CONN-1.2", "CONN", YesNoNa, "Physical connections"),
    q("CONN-1.2.1", "CONN", YesNoNa, "RJ45 Ethernet ports"),
    q("CONN-1.2.2", "CONN", YesNoNa, "USB ports"),
    q(
        "CONN-1.2.3",
        "CONN",
        YesNoNa,
        "Requires/uses/supports removable memory devices",
    ),
    q("CONN-1.2.4", "CONN", YesNoNa, "Other physical connectivity"),
    q(
        "CONN-2",
        "CONN",
        YesNoNa,
        "Manufacturer provides list of network ports and protocols used",
    ),
    q(
        "CONN-3",
        "CONN",
        YesNoNa,
        "Communicates with other systems inside customer environment",
    ),
    q(
        "CONN-4",
        "CONN",
        YesNoNa,
        "Communicates with systems outside customer environment (e.g. service host)",
    ),
    q("CONN-5", "CONN", YesNoNa, "Makes or receives API calls"),
    q(
        "CONN-6",
        "CONN",
        YesNoNa,
        "Requires internet connection for intended use",
    ),
    q("CONN-7", "CONN", YesNoNa, "Supports TLS"),
    q("CONN-7.1", "CONN", YesNoNa, "TLS is configurable"),
    q(
        "CONN-8",
        "CONN",
        YesNoNa,
        "Operator control from a separate device (e.g. telemedicine)",
    ),
    q(
        "PAUT-1",
        "PAUT",
        YesNoNa,
        "Supports and enforces unique IDs and passwords for all users and roles incl. service accounts",
    ),
    q(
        "PAUT-1.1",
        "PAUT",
        YesNoNa,
        "Enforces authentication of unique IDs/passwords for all users and roles",
    ),
    q(
        "PAUT-2",
        "PAUT",
        YesNoNa,
        "External authentication service (AD, NDS, LDAP, OAuth)",
    ),
    q(
        "PAUT-3",
        "PAUT",
        YesNoNa,
        "Lockout after a number of failed logons",
    ),
    q(
        "PAUT-4",
        "PAUT",
        YesNoNa,
        "All default accounts (service, admin) listed in documentation",
    ),
    q("PAUT-5", "PAUT", YesNoNa, "All passwords can be changed"),
    q(
        "PAUT-6",
        "PAUT",
        YesNoNa,
        "Enforces organization-specific password complexity",
    ),
    q(
        "PAUT-7",
        "PAUT",
        YesNoNa,
        "Supports periodic password expiry",
    ),
    q("PAUT-8", "PAUT", YesNoNa, "Multi-factor authentication"),
    q("PAUT-9", "PAUT", YesNoNa, "Single sign-on"),
    q(
        "PAUT-10",
        "PAUT",
        YesNoNa,
        "User accounts can be disabled/locked",
    ),
    q("PAUT-11", "PAUT", YesNoNa, "Biometric controls"),
    q("PAUT-12", "PAUT", YesNoNa, "Physical tokens (e.g. badge)"),
    q(
        "PAUT-13",
        "PAUT",
        YesNoNa,
        "Group authentication (e.g. hospital teams)",
    ),
    q(
        "PAUT-14",
        "PAUT",
        YesNoNa,
        "Stores or manages authentication credentials",
    ),
    q(
        "PAUT-14.1",
        "PAUT",
        YesNoNa,
        "Credentials stored using a secure method",
    ),
    q(
        "PLOK-1",
        "PLOK",
        YesNoNa,
        "Device is software only (Yes => N/A for section)",
    ),
    q(
        "PLOK-2",
        "PLOK",
        YesNoNa,
        "PII-holding components cannot be removed without tools",
    ),
    q(
        "PLOK-3",
        "PLOK",
        YesNoNa,
        "PII-holding components behind an individually keyed lock",
    ),
    q(
        "PLOK-4",
        "PLOK",
        YesNoNa,
        "Option for customer lock restricting removable media",
    ),
    q(
        "RDMP-1",
        "RDMP",
        YesNoNa,
        "Secure development process followed (e.g. ISO/IEC 27034, IEC 62304)",
    ),
    q(
        "RDMP-2",
        "RDMP",
        YesNoNa,
        "Manufacturer evaluates third-party components for secure development practices",
    ),
    q(
        "RDMP-3",
        "RDMP",
        YesNoNa,
        "Manufacturer maintains a web page/source on software support dates and updates",
    ),
    q(
        "RDMP-4",
        "RDMP",
        YesNoNa,
        "Manufacturer has a plan for managing third-party component end-of-life",
    ),
    q("SBOM-1", "SBOM", YesNoNa, "SBOM available for the product"),
    q(
        "SBOM-2",
        "SBOM",
        YesNoNa,
        "SBOM follows a standard/common method",
    ),
    q(
        "SBOM-2.1",
        "SBOM",
        YesNoNa,
        "Software components identified",
    ),
    q(
        "SBOM-2.2",
        "SBOM",
        YesNoNa,
        "Component developers/manufacturers identified",
    ),
    q(
        "SBOM-2.3",
        "SBOM",
        YesNoNa,
        "Major version numbers identified",
    ),
    q(
        "SBOM-2.4",
        "SBOM",
        YesNoNa,
        "Additional descriptive elements identified",
    ),
    q(
        "SBOM-3",
        "SBOM",
        YesNoNa,
        "On-device command/process lists installed software components",
    ),
    q(
        "SBOM-4",
        "SBOM",
        YesNoNa,
        "Update process exists for the SBOM",
    ),
    q(
        "SAHD-1",
        "SAHD",
        YesNoNa,
        "Hardened according to industry standards",
    ),
    q(
        "SAHD-2",
        "SAHD",
        YesNoNa,
        "Has cybersecurity certifications",
    ),
    q(
        "SAHD-3",
        "SAHD",
        YesNoNa,
        "Software integrity checking mechanisms",
    ),
    q(
        "SAHD-3.1",
        "SAHD",
        YesNoNa,
        "Ensures installed software is manufacturer-authorized (hash, checksum, signature)",
    ),
    q(
        "SAHD-3.2",
        "SAHD",
        YesNoNa,
        "Ensures software updates are manufacturer-authorized",
    ),
    q(
        "SAHD-4",
        "SAHD",
        YesNoNa,
        "Owner/operator can perform software integrity (tamper) checks",
    ),
    q(
        "SAHD-5",
        "SAHD",
        YesNoNa,
        "Configurable file-level / patient-level access controls",
    ),
    q("SAHD-5.1", "SAHD", YesNoNa, "Role-based access controls"),
    q(
        "SAHD-6",
        "SAHD",
        YesNoNa,
        "System/user accounts restricted or disabled at delivery",
    ),
    q(
        "SAHD-6.1",
        "SAHD",
        YesNoNa,
        "Accounts configurable by end user after initial configuration",
    ),
    q(
        "SAHD-6.2",
        "SAHD",
        YesNoNa,
        "Includes restricting e.g. service accounts to least privilege",
    ),
    q(
        "SAHD-7",
        "SAHD",
        YesNoNa,
        "Unneeded shared resources (file shares) disabled",
    ),
    q(
        "SAHD-8",
        "SAHD",
        YesNoNa,
        "Unneeded communication ports and protocols disabled",
    ),
    q(
        "SAHD-9",
        "SAHD",
        YesNoNa,
        "Unneeded services (telnet, FTP, IIS...) deleted/disabled",
    ),
    q(
        "SAHD-10",
        "SAHD",
        YesNoNa,
        "Unneeded applications (COTS and OS-bundled) deleted/disabled",
    ),
    q(
        "SAHD-11",
        "SAHD",
        YesNoNa,
        "Can prohibit boot from uncontrolled/removable media",
    ),
    q(
        "SAHD-12",
        "SAHD",
        YesNoNa,
        "Unauthorized SW/HW can be installed without physical tools",
    ),
    q(
        "SAHD-13",
        "SAHD",
        YesNoNa,
        "Documentation covers operational network security scanning by users",
    ),
    q(
        "SAHD-14",
        "SAHD",
        YesNoNa,
        "Can be hardened beyond the default state",
    ),
    q(
        "SAHD-14.1",
        "SAHD",
        YesNoNa,
        "Vendor instructions for increased hardening available",
    ),
    q(
        "SAHD-15",
        "SAHD",
        YesNoNa,
        "Can prevent access to BIOS/bootloaders during boot (seen mis-typed as SHAD-15)",
    ),
    q(
        "SAHD-16",
        "SAHD",
        YesNoNa,
        "Additional hardening methods used",
    ),
    q(
        "SGUD-1",
        "SGUD",
        YesNoNa,
        "Security documentation for the owner/operator",
    ),
    q(
        "SGUD-2",
        "SGUD",
        YesNoNa,
        "Capability and instructions for permanent deletion of data from device/media",
    ),
    q("SGUD-3", "SGUD", YesNoNa, "All access accounts documented"),
    q(
        "SGUD-3.1",
        "SGUD",
        YesNoNa,
        "Owner/operator can manage password control for all accounts",
    ),
    q(
        "SGUD-4",
        "SGUD",
        YesNoNa,
        "Documentation on recommended compensating controls",
    ),
    q("STCF-1", "STCF", YesNoNa, "Can encrypt data at rest"),
    q(
        "STCF-1.1",
        "STCF",
        YesNoNa,
        "All data encrypted or otherwise protected",
    ),
    q(
        "STCF-1.2",
        "STCF",
        YesNoNa,
        "Encryption configured by default",
    ),
    q(
        "STCF-1.3",
        "STCF",
        YesNoNa,
        "Customer instructions to configure encryption",
    ),
    q(
        "STCF-2",
        "STCF",
        YesNoNa,
        "Encryption keys can be changed/configured",
    ),
    q(
        "STCF-3",
        "STCF",
        YesNoNa,
        "Data stored in a database on the device",
    ),
    q(
        "STCF-4",
        "STCF",
        YesNoNa,
        "Data stored in a database external to the device",
    ),
    q(
        "TXCF-1",
        "TXCF",
        YesNoNa,
        "PII transmitted only via point-to-point dedicated cable",
    ),
    q(
        "TXCF-2",
        "TXCF",
        YesNoNa,
        "PII encrypted before network/removable-media transmission",
    ),
    q(
        "TXCF-2.1",
        "TXCF",
        YesNoNa,
        "If not encrypted by default, customer can configure encryption",
    ),
    q(
        "TXCF-3",
        "TXCF",
        YesNoNa,
        "PII transmission restricted to a fixed list of destinations",
    ),
    q(
        "TXCF-4",
        "TXCF",
        YesNoNa,
        "Connections limited to authenticated systems",
    ),
    q(
        "TXCF-5",
        "TXCF",
        YesNoNa,
        "Secure transmission methods supported (DICOM, HL7, IEEE 11073)",
    ),
    q(
        "TXIG-1",
        "TXIG",
        YesNoNa,
        "Mechanism (e.g. digital signatures) ensures data not modified in transmission",
    ),
    q(
        "TXIG-2",
        "TXIG",
        YesNoNa,
        "Multiple sub-components connected by external cables",
    ),
    q(
        "RMOT-1",
        "RMOT",
        YesNoNa,
        "Permits remote service connections for analysis/repair",
    ),
    q(
        "RMOT-1.1",
        "RMOT",
        YesNoNa,
        "Owner/operator can initiate remote service sessions",
    ),
    q(
        "RMOT-1.2",
        "RMOT",
        YesNoNa,
        "Indicator for an enabled and active remote session",
    ),
    q(
        "RMOT-1.3",
        "RMOT",
        YesNoNa,
        "Patient data accessible/viewable during remote session",
    ),
    q(
        "RMOT-2",
        "RMOT",
        YesNoNa,
        "Remote service connections for predictive maintenance data",
    ),
    q(
        "RMOT-3",
        "RMOT",
        YesNoNa,
        "Other remotely accessible functions (updates, remote training)",
    ),
];

/// The catalogue entry for `id` (exact, upper-case ID as printed on the form).
pub fn question(id: &str) -> Option<&'static Question> {
    QUESTIONS.iter().find(|q| q.id == id)
}

/// The section with this code.
pub fn section(code: &str) -> Option<&'static Section> {
    SECTIONS.iter().find(|s| s.code == code)
}

/// The section code of any ID-shaped string: the part before the first dash.
pub fn section_code(id: &str) -> &str {
    id.split_once('-').map_or(id, |(code, _)| code)
}

/// Position of `id` in form order, for sorting; `None` for IDs the catalogue does not know.
pub fn position(id: &str) -> Option<usize> {
    QUESTIONS.iter().position(|q| q.id == id)
}

/// Position of a section in form order; `None` for unknown section codes.
pub fn section_position(code: &str) -> Option<usize> {
    SECTIONS.iter().position(|s| s.code == code)
}

/// Known misprints found in circulating forms, with the ID they stand for.
pub(crate) static KNOWN_TYPOS: &[(&str, &str)] = &[("SHAD-15", "SAHD-15")];

/// Whether `text` has the shape of an MDS2 question ID: 2–5 letters, a dash, then dotted
/// numbers (`DOC-11.4`, `AUDT-2.8.1`). Section title rows and blank cells fail this test.
pub fn is_question_id(text: &str) -> bool {
    let Some((code, number)) = text.split_once('-') else {
        return false;
    };
    (2..=5).contains(&code.len())
        && code.bytes().all(|b| b.is_ascii_uppercase())
        && !number.is_empty()
        && number
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_well_formed_and_in_known_sections() {
        let mut seen = std::collections::HashSet::new();
        for q in QUESTIONS {
            assert!(seen.insert(q.id), "duplicate {}", q.id);
            assert!(is_question_id(q.id), "{}", q.id);
            assert_eq!(section_code(q.id), q.section, "{}", q.id);
            assert!(section(q.section).is_some(), "{}", q.id);
        }
    }

    #[test]
    fn sections_appear_in_form_order() {
        let mut last = 0;
        for q in QUESTIONS {
            let pos = section_position(q.section).unwrap_or(usize::MAX);
            assert!(pos >= last, "{} out of section order", q.id);
            last = pos;
        }
    }

    #[test]
    fn id_shape() {
        for good in ["DOC-1", "AUDT-2.8.1", "CONN-1.1.3", "XYZ-12"] {
            assert!(is_question_id(good), "{good}");
        }
        for bad in [
            "", "AUTH", "AUTH-", "auth-1", "AUTH-1.", "AUTH-1a", "A-1", "ABCDEF-1", "AUTH 1",
        ] {
            assert!(!is_question_id(bad), "{bad}");
        }
    }
}
