//! Static reference data: device kinds, the demo manufacturers and their
//! (invented) products, the demo hospitals, service providers, tasks.
//!
//! Product names are invented but plausible; they are not real trademarks.

/// Network zone profiles: (zone, weight). An empty zone means "unknown".
type Zones = &'static [(&'static str, u32)];

const Z_CLINICAL: Zones = &[
    ("clinical-vlan", 86),
    ("isolated", 6),
    ("guest", 2),
    ("corporate", 2),
    ("", 4),
];
const Z_LIFE: Zones = &[("clinical-vlan", 55), ("isolated", 40), ("", 5)];
const Z_IMAGING: Zones = &[
    ("imaging-vlan", 88),
    ("clinical-vlan", 4),
    ("corporate", 3),
    ("", 5),
];
const Z_LAB: Zones = &[
    ("lab-vlan", 88),
    ("clinical-vlan", 5),
    ("corporate", 3),
    ("", 4),
];
const Z_PACS: Zones = &[("imaging-vlan", 70), ("corporate", 25), ("", 5)];
const Z_STANDALONE: Zones = &[("isolated", 50), ("clinical-vlan", 45), ("", 5)];
const Z_FACILITY: Zones = &[
    ("clinical-vlan", 60),
    ("corporate", 30),
    ("guest", 5),
    ("", 5),
];

/// A kind of device a hospital runs.
pub(crate) struct DeviceKind {
    pub(crate) name: &'static str,
    /// life-sustaining | high | medium | low
    pub(crate) criticality: &'static str,
    /// Departments where it is typically found (adult hospital spelling).
    pub(crate) departments: &'static [&'static str],
    pub(crate) zones: Zones,
    /// Relative installed-base size (infusion pumps are everywhere, MRIs not).
    pub(crate) weight: u32,
}

const fn kind(
    name: &'static str,
    criticality: &'static str,
    departments: &'static [&'static str],
    zones: Zones,
    weight: u32,
) -> DeviceKind {
    DeviceKind {
        name,
        criticality,
        departments,
        zones,
        weight,
    }
}

pub(crate) const INFUSION: usize = 0;
pub(crate) const SYRINGE: usize = 1;
pub(crate) const MONITOR: usize = 2;
pub(crate) const VENTILATOR: usize = 3;
pub(crate) const ANESTHESIA: usize = 4;
pub(crate) const CT: usize = 5;
pub(crate) const MRI: usize = 6;
pub(crate) const ULTRASOUND: usize = 7;
pub(crate) const XRAY: usize = 8;
pub(crate) const LAB: usize = 9;
pub(crate) const DEFIB: usize = 10;
pub(crate) const DIALYSIS: usize = 11;
pub(crate) const TELEMETRY: usize = 12;
pub(crate) const PACS: usize = 13;
pub(crate) const GLUCOSE: usize = 14;
pub(crate) const BLOOD_GAS: usize = 15;
pub(crate) const ECG: usize = 16;
pub(crate) const VITALS: usize = 17;
pub(crate) const BED: usize = 18;
pub(crate) const NURSE_CALL: usize = 19;
pub(crate) const WARMER: usize = 20;
pub(crate) const CABINET: usize = 21;
pub(crate) const OXIMETER: usize = 22;
pub(crate) const ENTERAL: usize = 23;
pub(crate) const EP: usize = 24;
pub(crate) const APHERESIS: usize = 25;
pub(crate) const PROGRAMMER: usize = 26;

pub(crate) const KINDS: &[DeviceKind] = &[
    kind(
        "infusion pump",
        "high",
        &["ICU", "Med-Surg", "Oncology", "Emergency", "OR", "NICU"],
        Z_CLINICAL,
        40,
    ),
    kind(
        "syringe pump",
        "high",
        &["NICU", "ICU", "OR", "Oncology"],
        Z_CLINICAL,
        15,
    ),
    kind(
        "patient monitor",
        "high",
        &["ICU", "Emergency", "OR", "Cardiology", "Med-Surg", "NICU"],
        Z_CLINICAL,
        25,
    ),
    kind(
        "ventilator",
        "life-sustaining",
        &["ICU", "NICU", "Emergency", "OR"],
        Z_LIFE,
        6,
    ),
    kind(
        "anesthesia workstation",
        "life-sustaining",
        &["OR"],
        Z_LIFE,
        3,
    ),
    kind(
        "CT scanner",
        "high",
        &["Radiology", "Emergency"],
        Z_IMAGING,
        1,
    ),
    kind("MRI scanner", "high", &["Radiology"], Z_IMAGING, 1),
    kind(
        "ultrasound",
        "medium",
        &["Radiology", "Emergency", "Cardiology", "OR", "ICU"],
        Z_IMAGING,
        4,
    ),
    kind(
        "X-ray",
        "medium",
        &["Radiology", "Emergency", "OR"],
        Z_IMAGING,
        2,
    ),
    kind("lab analyzer", "medium", &["Laboratory"], Z_LAB, 2),
    kind(
        "defibrillator",
        "life-sustaining",
        &["Emergency", "ICU", "Cardiology", "Med-Surg", "OR"],
        Z_STANDALONE,
        6,
    ),
    kind(
        "dialysis machine",
        "life-sustaining",
        &["Dialysis", "ICU"],
        Z_CLINICAL,
        4,
    ),
    kind(
        "telemetry transmitter",
        "high",
        &["Cardiology", "Med-Surg", "Emergency"],
        Z_CLINICAL,
        18,
    ),
    kind(
        "PACS workstation",
        "medium",
        &["Radiology", "Cardiology", "Oncology"],
        Z_PACS,
        4,
    ),
    kind(
        "glucose meter",
        "low",
        &["Med-Surg", "Emergency", "ICU", "Oncology", "NICU"],
        Z_STANDALONE,
        14,
    ),
    kind(
        "blood gas analyzer",
        "medium",
        &["ICU", "Laboratory", "Emergency", "NICU"],
        Z_LAB,
        3,
    ),
    kind(
        "ECG cart",
        "medium",
        &["Cardiology", "Emergency", "Med-Surg"],
        Z_CLINICAL,
        5,
    ),
    kind(
        "vital signs monitor",
        "medium",
        &["Med-Surg", "Emergency", "Oncology"],
        Z_CLINICAL,
        14,
    ),
    kind("smart bed", "low", &["ICU", "Med-Surg"], Z_FACILITY, 12),
    kind(
        "nurse call system",
        "medium",
        &["Med-Surg", "ICU", "Emergency"],
        Z_FACILITY,
        2,
    ),
    kind(
        "infant warmer",
        "life-sustaining",
        &["NICU", "OR"],
        Z_STANDALONE,
        3,
    ),
    kind(
        "medication dispensing cabinet",
        "medium",
        &["Pharmacy", "ICU", "Emergency", "Med-Surg", "OR"],
        Z_FACILITY,
        5,
    ),
    kind(
        "pulse oximeter",
        "low",
        &["Med-Surg", "Emergency", "NICU"],
        Z_STANDALONE,
        10,
    ),
    kind(
        "enteral feeding pump",
        "medium",
        &["ICU", "NICU", "Med-Surg"],
        Z_CLINICAL,
        6,
    ),
    kind(
        "electrophysiology system",
        "high",
        &["Cardiology"],
        Z_IMAGING,
        1,
    ),
    kind(
        "apheresis system",
        "high",
        &["Oncology", "Laboratory"],
        Z_LAB,
        1,
    ),
    kind(
        "device programmer",
        "high",
        &["Cardiology", "OR"],
        Z_STANDALONE,
        2,
    ),
];

/// How a manufacturer writes its software versions.
#[derive(Clone, Copy, Debug)]
pub(crate) enum VersionStyle {
    /// `3.2.1`
    Semver,
    /// `v12.1.3`
    VSemver,
    /// `R2.0`, `R2.0 SP1`
    ServicePack,
    /// `4.2.1.1187`
    Build,
}

impl VersionStyle {
    pub(crate) const ALL: [VersionStyle; 4] = [
        VersionStyle::Semver,
        VersionStyle::VSemver,
        VersionStyle::ServicePack,
        VersionStyle::Build,
    ];
}

/// A demo manufacturer with its invented product line.
pub(crate) struct MfrEntry {
    pub(crate) name: &'static str,
    pub(crate) aliases: &'static [&'static str],
    /// Two ASCII letters used in model numbers and serials.
    pub(crate) code: &'static str,
    pub(crate) style: VersionStyle,
    pub(crate) products: &'static [(&'static str, usize)],
    /// Capabilities the manufacturer declares (task, capable).
    pub(crate) capabilities: &'static [(&'static str, bool)],
}

pub(crate) const MANUFACTURERS: &[MfrEntry] = &[
    MfrEntry {
        name: "Baxter",
        aliases: &["Baxter International", "Baxter Healthcare Corporation"],
        code: "BX",
        style: VersionStyle::Semver,
        products: &[
            ("Spectrion LVP", INFUSION),
            ("Spectrion Syringe", SYRINGE),
            ("RenalFlow CRRT", DIALYSIS),
            ("Vivia IQ Infusion System", INFUSION),
            ("RenalFlow HD", DIALYSIS),
            ("Sentra Enteral", ENTERAL),
        ],
        capabilities: &[],
    },
    MfrEntry {
        name: "BD",
        aliases: &[
            "Becton Dickinson",
            "Becton, Dickinson and Company",
            "CareFusion",
        ],
        code: "BD",
        style: VersionStyle::Build,
        products: &[
            ("Alveris Infusion System", INFUSION),
            ("Alveris Syringe Module", SYRINGE),
            ("DoseSafe Cabinet", CABINET),
            ("Alveris PCA Module", INFUSION),
            ("Kestrel Blood Culture", LAB),
            ("Kestrel MAX Molecular", LAB),
        ],
        capabilities: &[],
    },
    MfrEntry {
        name: "Philips",
        aliases: &[
            "Phillips",
            "Koninklijke Philips N.V.",
            "Philips Medical Systems",
        ],
        code: "PH",
        style: VersionStyle::ServicePack,
        products: &[
            ("ClearVue MX750", MONITOR),
            ("ClearVue MX450", MONITOR),
            ("TeleLink TX4", TELEMETRY),
            ("Incisa CT 5300", CT),
            ("Magnara 1.5T", MRI),
            ("EpiScan 7", ULTRASOUND),
            ("PulseStart FR3", DEFIB),
            ("Vista PACS Workstation", PACS),
            ("CardioWriter TC70", ECG),
        ],
        capabilities: &[("incident-response", true), ("monitor-access", true)],
    },
    MfrEntry {
        name: "GE HealthCare",
        aliases: &[
            "GE Healthcare",
            "General Electric (GE)",
            "GE Medical Systems",
        ],
        code: "GE",
        style: VersionStyle::VSemver,
        products: &[
            ("Carevia B650", MONITOR),
            ("Carevia B450", MONITOR),
            ("Revolve 128 CT", CT),
            ("SignaStar 3T", MRI),
            ("Venta E10", ULTRASOUND),
            ("Aespira 7100", ANESTHESIA),
            ("OptiRad XR240", XRAY),
            ("ApexTel T1", TELEMETRY),
            ("Centrix PACS Station", PACS),
            ("MacView 5500", ECG),
        ],
        capabilities: &[],
    },
    MfrEntry {
        name: "Medtronic",
        aliases: &["Medtronic plc", "Covidien"],
        code: "MD",
        style: VersionStyle::Semver,
        products: &[
            ("Aeris V980", VENTILATOR),
            ("NellSat PM100", OXIMETER),
            ("Capnora Patient Monitor", MONITOR),
            ("GlucoLink Meter", GLUCOSE),
            ("Aeris V840", VENTILATOR),
        ],
        capabilities: &[],
    },
    MfrEntry {
        name: "Siemens Healthineers",
        aliases: &["Siemens Healthcare", "Siemens Medical Solutions"],
        code: "SH",
        style: VersionStyle::ServicePack,
        products: &[
            ("Somatra Edge CT", CT),
            ("Magnexa Vira 3T", MRI),
            ("Atrion CH Chemistry", LAB),
            ("Atrion IM Immunoassay", LAB),
            ("Lumora X.pree", XRAY),
            ("Acuvera S3000", ULTRASOUND),
            ("Somatra go.Up CT", CT),
            ("Magnexa Alto 1.5T", MRI),
            ("Epoca Blood Analysis", BLOOD_GAS),
        ],
        capabilities: &[("security-testing", true)],
    },
    MfrEntry {
        name: "Dräger",
        aliases: &["Draeger", "Drägerwerk AG & Co. KGaA", "Drager"],
        code: "DR",
        style: VersionStyle::VSemver,
        products: &[
            ("Evitra V500", VENTILATOR),
            ("Perseon A500", ANESTHESIA),
            ("Vistara Delta", MONITOR),
            ("Savora 300", VENTILATOR),
            ("Fabiana Plus", ANESTHESIA),
            ("Thermora Neo", WARMER),
            ("Oxylink 3000", VENTILATOR),
        ],
        capabilities: &[],
    },
    MfrEntry {
        name: "B. Braun",
        aliases: &["B. Braun Medical", "B.Braun", "B Braun Melsungen AG"],
        code: "BB",
        style: VersionStyle::Semver,
        products: &[
            ("Infusona Space", INFUSION),
            ("Perfusona Space", SYRINGE),
            ("Dialyra Nova", DIALYSIS),
            ("OmniFlow Station", INFUSION),
            ("Dialyra iQ", DIALYSIS),
        ],
        capabilities: &[],
    },
    MfrEntry {
        name: "Fresenius Kabi",
        aliases: &["Fresenius Kabi AG", "Fresenius Kabi USA"],
        code: "FK",
        style: VersionStyle::Build,
        products: &[
            ("Agilis Volumat", INFUSION),
            ("Agilis Injectomat", SYRINGE),
            ("Ivora Infusion System", INFUSION),
            ("Amica Cell Separator", APHERESIS),
            ("Compleo Enteral Pump", ENTERAL),
        ],
        capabilities: &[],
    },
    MfrEntry {
        name: "Mindray",
        aliases: &["Shenzhen Mindray Bio-Medical Electronics", "Mindray DS USA"],
        code: "MR",
        style: VersionStyle::Semver,
        products: &[
            ("BeneVita N17", MONITOR),
            ("SynoVent 800", VENTILATOR),
            ("BeneVita T1", MONITOR),
            ("WaveLine A7", ANESTHESIA),
            ("ResoScan DC-80", ULTRASOUND),
            ("HemaCount 6800", LAB),
            ("Cardiora D6", DEFIB),
            ("DigiView 760", XRAY),
            ("TeleVita TM80", TELEMETRY),
        ],
        capabilities: &[("monitor-traffic", false)],
    },
    MfrEntry {
        name: "Abbott",
        aliases: &["Abbott Laboratories", "Abbott Diagnostics"],
        code: "AB",
        style: VersionStyle::VSemver,
        products: &[
            ("Alinara ci", LAB),
            ("i-Check Handheld", BLOOD_GAS),
            ("PrecisaPoint Pro", GLUCOSE),
            ("Archeon c8000", LAB),
            ("EnsaMap X", EP),
            ("CardioLink Programmer", PROGRAMMER),
        ],
        capabilities: &[],
    },
    MfrEntry {
        name: "Hillrom",
        aliases: &["Hill-Rom", "Hill-Rom Holdings", "Welch Allyn"],
        code: "HR",
        style: VersionStyle::Build,
        products: &[
            ("Centara Smart Bed", BED),
            ("Connexa VSM 6000", VITALS),
            ("Progenta ICU Bed", BED),
            ("Spotlight VS 4400", VITALS),
            ("Elara 380 ECG", ECG),
            ("Voxa Nurse Call", NURSE_CALL),
        ],
        capabilities: &[
            ("vulnerability-monitoring", false),
            ("monitor-traffic", false),
        ],
    },
];

/// Suffixes for further generations when a demo manufacturer gets more
/// models than its product line has entries.
pub(crate) const GENERATIONS: &[&str] = &["II", "Plus", "Pro", "Neo", "Elite"];

/// A demo hospital.
pub(crate) struct HdoEntry {
    pub(crate) name: &'static str,
    pub(crate) prefix: &'static str,
    pub(crate) sites: &'static [(&'static str, u32)],
    pub(crate) weight: u32,
    pub(crate) pediatric: bool,
}

pub(crate) const HDOS: &[HdoEntry] = &[
    HdoEntry {
        name: "Riverside General Hospital",
        prefix: "RGH",
        sites: &[
            ("Main Campus", 60),
            ("East Pavilion", 28),
            ("Riverside Outpatient Center", 12),
        ],
        weight: 5,
        pediatric: false,
    },
    HdoEntry {
        name: "Northgate Children's Hospital",
        prefix: "NCH",
        sites: &[("Main Campus", 75), ("North Tower", 25)],
        weight: 3,
        pediatric: true,
    },
    HdoEntry {
        name: "Lakeside Community Hospital",
        prefix: "LCH",
        sites: &[("Main Campus", 70), ("Harbor Clinic", 30)],
        weight: 2,
        pediatric: false,
    },
];

/// Extra sites for generated hospitals (each also has a "Main Campus").
pub(crate) const EXTRA_SITES: &[&str] = &[
    "East Pavilion",
    "West Wing",
    "North Tower",
    "South Campus",
    "Outpatient Center",
    "Surgery Center",
    "Heart Institute",
    "Cancer Center",
];

/// A pediatric hospital names some departments differently.
pub(crate) fn pediatric_department(department: &'static str) -> &'static str {
    match department {
        "ICU" => "PICU",
        "Med-Surg" => "Pediatrics",
        "Cardiology" => "Pediatric Cardiology",
        "Oncology" => "Pediatric Oncology",
        other => other,
    }
}

/// Third-party service providers and what they declare they can do.
pub(crate) struct ProviderEntry {
    pub(crate) name: &'static str,
    pub(crate) capabilities: &'static [&'static str],
}

pub(crate) const CYBERMED: usize = 0;
pub(crate) const CLINSEC: usize = 1;
pub(crate) const MEDGUARD: usize = 2;

pub(crate) const PROVIDERS: &[ProviderEntry] = &[
    ProviderEntry {
        name: "CyberMed Services",
        capabilities: &["monitor-traffic", "event-logging", "incident-response"],
    },
    ProviderEntry {
        name: "ClinSec Partners",
        capabilities: &[
            "vulnerability-monitoring",
            "vulnerability-assessment",
            "incident-response",
            "security-testing",
        ],
    },
    ProviderEntry {
        name: "MedGuard Security",
        capabilities: &[
            "monitor-access",
            "monitor-users",
            "backup-recovery",
            "vulnerability-assessment",
        ],
    },
];

/// Aliases of providers (name, alias).
pub(crate) const PROVIDER_ALIASES: &[(&str, &str)] = &[
    ("CyberMed Services", "Cybermed Services LLC"),
    ("ClinSec Partners", "ClinSec Partners GmbH"),
];

/// Tasks that typically fall to the hospital in later lifecycle stages and
/// that a hospital may lack the staff or tooling for.
pub(crate) const HDO_HARD_TASKS: &[&str] = &[
    "monitor-traffic",
    "vulnerability-monitoring",
    "incident-response",
    "vulnerability-assessment",
    "event-logging",
    "security-testing",
    "compensating-controls",
];

/// Tasks a hospital usually declares it can do.
pub(crate) const HDO_EASY_TASKS: &[&str] = &[
    "deploy-patches",
    "backup-recovery",
    "monitor-access",
    "monitor-users",
    "risk-assessment",
    "decommissioning",
];

/// Tasks a generated manufacturer may declare it cannot do.
pub(crate) const MDM_HARD_TASKS: &[&str] = &[
    "monitor-traffic",
    "vulnerability-monitoring",
    "security-testing",
    "incident-response",
];

pub(crate) const ASSESSORS: &[&str] = &[
    "Clinical Engineering",
    "Biomed Security Team",
    "J. Alvarez",
    "Priya Natarajan, CISSP",
    "M. Okafor (IT Security)",
    "K. Lindqvist",
    "External: ClinSec Partners",
];

pub(crate) const NOTES: &[&str] = &[
    "",
    "No findings",
    "Segmentation verified; device on isolated VLAN",
    "Vendor patch pending, compensating controls in place",
    "Default password \"admin\" changed, SMB disabled",
    "Scan found open telnet port; vendor says \"by design\"",
    "End of support announced, replacement budgeted for next fiscal year",
    "Remote service access restricted to vendor jump host",
    "Outdated OS (Windows 7), no patches available, device isolated",
    "USB ports locked; local admin account disabled",
    "Firewall rule \"pump-to-gateway\" reviewed, no change",
];
