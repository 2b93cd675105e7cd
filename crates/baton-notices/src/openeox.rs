//! OASIS OpenEoX 1.0: a Core object, or a Shell whose statements each carry a core, a product
//! and CSAF product identification helpers.
//!
//! OpenEoX gives each end date as the *last* day of a state (the last day to order, the last
//! day of security fixes), so the N70 milestone takes effect the day after. General
//! availability is the *first* day of availability and takes effect on its own day.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::dates::{self, Rule};
use crate::error::NoticeError;
use crate::json::{Ptr, Reader, Unique, non_empty};
use crate::model::{Mapped, Notice, NoticeFormat, NoticeMilestone, ProductRef, Warning};

/// The core's date fields in the order they happen, with their N70 meaning.
const CORE_DATES: [(&str, Mapped, bool); 4] = [
    ("general_availability", Mapped::GeneralAvailability, false),
    ("end_of_sales", Mapped::Eol, true),
    ("end_of_security_support", Mapped::Eos, true),
    ("end_of_life", Mapped::EndOfLife, true),
];

/// Fields the core schema requires besides the dates it lists.
const REQUIRED: [&str; 4] = [
    "$schema",
    "end_of_life",
    "end_of_security_support",
    "last_updated",
];

struct Core {
    milestones: Vec<NoticeMilestone>,
    announced: Option<NaiveDate>,
}

fn read_core(
    r: Reader<'_>,
    core: &Map<String, Value>,
    at: &Ptr,
    warnings: &mut Vec<Warning>,
) -> Result<Core, NoticeError> {
    let mut milestones = Vec::new();
    for (name, mapped, last_day) in CORE_DATES {
        if let Some(raw) = r.opt_str(core, name, at)? {
            let rule = Rule {
                last_day,
                timestamps: true,
            };
            milestones.push(dates::milestone(
                name,
                mapped,
                Some(raw),
                &at.key(name),
                rule,
                None,
                warnings,
            ));
        }
    }
    let announced = match r.opt_str(core, "last_updated", at)? {
        Some(raw) => dates::announcement(raw, &at.key("last_updated"), warnings),
        None => None,
    };
    r.opt_str(core, "$schema", at)?;
    for name in REQUIRED {
        if core.get(name).is_none_or(Value::is_null) {
            warnings.push(Warning {
                location: at.as_str().to_owned(),
                message: format!("the OpenEoX core requires `{name}`, which is missing"),
            });
        }
    }
    // The schema allows no other fields, so an unknown one is most likely a misspelt date
    // (`end_of_security_suport`) whose milestone would otherwise vanish without a word.
    for key in core.keys() {
        let known = key == "$schema"
            || key == "last_updated"
            || CORE_DATES.iter().any(|(name, _, _)| name == key);
        if !known {
            warnings.push(Warning {
                location: at.key(key).as_str().to_owned(),
                message: format!("`{key}` is not an OpenEoX core field; ignored"),
            });
        }
    }
    Ok(Core {
        milestones,
        announced,
    })
}

pub(crate) fn core(r: Reader<'_>, root: &Map<String, Value>) -> Result<Vec<Notice>, NoticeError> {
    let at = Ptr::root();
    let mut warnings = Vec::new();
    let core = read_core(r, root, &at, &mut warnings)?;
    Ok(vec![crate::finish(Notice {
        format: NoticeFormat::OpenEoxCore,
        location: String::new(),
        product: ProductRef::default(),
        milestones: core.milestones,
        announced: core.announced,
        warnings,
    })])
}

pub(crate) fn shell(r: Reader<'_>, root: &Map<String, Value>) -> Result<Vec<Notice>, NoticeError> {
    let at = Ptr::root();
    let statements = r
        .opt_array(root, "statements", &at)?
        .ok_or_else(|| r.invalid(&at, "an OpenEoX shell needs a `statements` array"))?;
    if statements.is_empty() {
        return Err(r.invalid(
            &at.key("statements"),
            "an OpenEoX shell needs at least one statement",
        ));
    }
    let mut notices = Vec::with_capacity(statements.len());
    for (i, statement) in statements.iter().enumerate() {
        let at = at.key("statements").index(i);
        let statement = r.object(statement, &at)?;
        let mut warnings = Vec::new();
        let core_obj = r
            .opt_object(statement, "core", &at)?
            .ok_or_else(|| r.invalid(&at, "statement has no `core`"))?;
        let core = read_core(r, core_obj, &at.key("core"), &mut warnings)?;
        let mut product = match r.opt_object(statement, "product", &at)? {
            Some(p) => read_product(r, p, &at.key("product"), &mut warnings)?,
            None => {
                warnings.push(Warning {
                    location: at.as_str().to_owned(),
                    message: "statement has no `product`".into(),
                });
                ProductRef::default()
            }
        };
        match r.opt_object(statement, "product_identification_helper", &at)? {
            Some(h) => read_helper(r, h, &at.key("product_identification_helper"), &mut product)?,
            None => warnings.push(Warning {
                location: at.as_str().to_owned(),
                message: "statement has no `product_identification_helper`".into(),
            }),
        }
        notices.push(crate::finish(Notice {
            format: NoticeFormat::OpenEoxShell,
            location: at.as_str().to_owned(),
            product,
            milestones: core.milestones,
            announced: core.announced,
            warnings,
        }));
    }
    Ok(notices)
}

/// A software or hardware product, or hardware with its software.
fn read_product(
    r: Reader<'_>,
    p: &Map<String, Value>,
    at: &Ptr,
    warnings: &mut Vec<Warning>,
) -> Result<ProductRef, NoticeError> {
    let hardware = r.opt_object(p, "hardware", at)?;
    let software = r.opt_object(p, "software", at)?;
    if hardware.is_some() || software.is_some() {
        let mut product = match hardware {
            Some(h) => read_named(r, h, &at.key("hardware"), warnings)?,
            None => ProductRef::default(),
        };
        if let Some(s) = software {
            product.software = Some(Box::new(read_named(r, s, &at.key("software"), warnings)?));
        }
        return Ok(product);
    }
    read_named(r, p, at, warnings)
}

fn read_named(
    r: Reader<'_>,
    p: &Map<String, Value>,
    at: &Ptr,
    warnings: &mut Vec<Warning>,
) -> Result<ProductRef, NoticeError> {
    let product = ProductRef {
        vendor: non_empty(r.opt_str(p, "vendor_name", at)?),
        product: non_empty(r.opt_str(p, "product_name", at)?),
        version: non_empty(r.opt_str(p, "product_version", at)?),
        ..ProductRef::default()
    };
    if product.product.is_none() {
        warnings.push(Warning {
            location: at.as_str().to_owned(),
            message: "product has no `product_name`".into(),
        });
    }
    Ok(product)
}

/// CSAF product identification helper: `cpe`, and `purl` (CSAF 2.0) or `purls` (CSAF 2.1).
/// The first purl identifies the product; further ones are aliases.
fn read_helper(
    r: Reader<'_>,
    h: &Map<String, Value>,
    at: &Ptr,
    product: &mut ProductRef,
) -> Result<(), NoticeError> {
    product.cpe = non_empty(r.opt_str(h, "cpe", at)?);
    let mut purls = Unique::default();
    if let Some(p) = non_empty(r.opt_str(h, "purl", at)?) {
        purls.push(p);
    }
    if let Some(list) = r.opt_array(h, "purls", at)? {
        for (i, v) in list.iter().enumerate() {
            if let Some(p) = non_empty(Some(r.string(v, &at.key("purls").index(i))?)) {
                purls.push(p);
            }
        }
    }
    let mut purls = purls.into_vec().into_iter();
    product.purl = purls.next();
    product.aliases.extend(purls);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run_core(v: &Value) -> Result<Vec<Notice>, NoticeError> {
        core(Reader { file: "c.json" }, v.as_object().unwrap())
    }

    #[test]
    fn misspelt_and_missing_fields_warn() {
        let v = json!({
            "$schema": "https://docs.oasis-open.org/openeox/v1.0/schema/core.json",
            "end_of_life": "2030-01-01T00:00:00Z",
            "end_of_security_suport": "2028-01-01T00:00:00Z",
            "last_updated": "2025-01-01T00:00:00Z"
        });
        let n = &run_core(&v).unwrap()[0];
        let messages: Vec<_> = n.warnings.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "the OpenEoX core requires `end_of_security_support`, which is missing",
                "`end_of_security_suport` is not an OpenEoX core field; ignored",
            ]
        );
        assert_eq!(n.warnings[1].location, "/end_of_security_suport");
        assert!(n.eos().is_none());
    }

    #[test]
    fn general_availability_is_a_first_day() {
        let v = json!({
            "$schema": "https://docs.oasis-open.org/openeox/v1.0/schema/core.json",
            "general_availability": "2020-03-01T00:00:00Z",
            "end_of_life": "tba",
            "end_of_security_support": "tba",
            "last_updated": "2025-01-01T00:00:00Z"
        });
        let n = &run_core(&v).unwrap()[0];
        let ga = n.earliest(Mapped::GeneralAvailability).unwrap();
        assert_eq!(ga.effective, NaiveDate::from_ymd_opt(2020, 3, 1));
    }

    #[test]
    fn wrong_types_name_the_pointer() {
        let v = json!({"$schema": "x", "end_of_life": 20251231, "end_of_security_support": "tba", "last_updated": "2025-01-01T00:00:00Z"});
        let e = run_core(&v).unwrap_err();
        assert_eq!(e.pointer(), Some("/end_of_life"));
        let v = json!({"statements": [{"core": {}, "product": {}, "product_identification_helper": {"purls": ["pkg:a/b", 3]}}]});
        let e = shell(Reader { file: "s.json" }, v.as_object().unwrap()).unwrap_err();
        assert_eq!(
            e.pointer(),
            Some("/statements/0/product_identification_helper/purls/1")
        );
    }
}
