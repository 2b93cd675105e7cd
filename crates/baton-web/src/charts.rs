//! Charts as SVG written on the server: every bar and every point is a link to the rows behind
//! it, and carries a text label for screen readers. No script and no font files are needed.

use std::fmt::Write as _;

use chrono::NaiveDate;

/// One bar: its label, value, link and colour class.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: u64,
    pub href: String,
    pub class: &'static str,
}

/// Escape text for SVG/HTML.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A horizontal bar chart titled `title`.
pub fn bars(title: &str, bars: &[Bar]) -> String {
    let row = 30;
    let label_w = 150;
    let bar_w = 220;
    let width = label_w + bar_w + 60;
    let height = row * bars.len().max(1) + 8;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        esc(title),
        esc(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = 4 + i * row;
        let w = if b.value == 0 {
            0
        } else {
            ((b.value as f64 / max as f64) * bar_w as f64)
                .round()
                .max(2.0) as usize
        };
        let _ = write!(
            svg,
            r#"<a href="{href}" aria-label="{label}: {value}"><rect class="hit" x="0" y="{y}" width="{width}" height="{h}" fill="transparent"/><text x="{tx}" y="{ty}" text-anchor="end">{label}</text><rect class="bar {class}" x="{label_w}" y="{by}" width="{w}" height="{bh}" rx="2"/><text x="{vx}" y="{ty}">{value}</text></a>"#,
            href = esc(&b.href),
            label = esc(&b.label),
            value = b.value,
            h = row - 2,
            tx = label_w - 8,
            ty = y + 18,
            class = b.class,
            by = y + 4,
            bh = row - 10,
            vx = label_w + w + 6,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// One point on the timeline.
#[derive(Debug, Clone)]
pub struct Event {
    pub date: NaiveDate,
    pub label: String,
    pub href: String,
    pub class: &'static str,
}

/// Upcoming events on a time axis from `from` to `until`, one lane per event (the nearest
/// `max` events), with a tick at every quarter.
pub fn timeline(title: &str, from: NaiveDate, until: NaiveDate, events: &[Event]) -> String {
    let lane = 22;
    let left = 330;
    let axis_w = 420;
    let width = left + axis_w + 20;
    let height = 30 + lane * events.len().max(1);
    let span = (until - from).num_days().max(1) as f64;
    let x_of = |d: NaiveDate| left as f64 + ((d - from).num_days() as f64 / span) * axis_w as f64;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        esc(title),
        esc(title)
    );
    // A line every quarter; a label every half year, so labels never overlap.
    let mut tick = first_quarter_after(from);
    while tick <= until {
        use chrono::Datelike;
        let x = x_of(tick);
        let _ = write!(
            svg,
            r#"<line class="tick" x1="{x:.1}" y1="18" x2="{x:.1}" y2="{height}" stroke="currentColor" stroke-opacity="0.2"/>"#
        );
        if tick.month0().is_multiple_of(6) {
            let _ = write!(
                svg,
                r#"<text x="{x:.1}" y="12" text-anchor="middle">{}</text>"#,
                tick.format("%b %Y")
            );
        }
        tick = add_months(tick, 3);
    }
    for (i, e) in events.iter().enumerate() {
        let y = 30 + i * lane;
        let x = x_of(e.date.clamp(from, until));
        let _ = write!(
            svg,
            r#"<a href="{href}" aria-label="{label} on {date}"><text x="{tx}" y="{ty}" text-anchor="end">{label}</text><circle class="dot {class}" cx="{x:.1}" cy="{cy}" r="6"/><text x="{dx:.1}" y="{ty}">{short}</text></a>"#,
            href = esc(&e.href),
            label = esc(&e.label),
            date = e.date,
            tx = left - 10,
            ty = y + 4,
            class = e.class,
            cy = y,
            dx = x + 10.0,
            short = e.date.format("%Y-%m-%d"),
        );
    }
    svg.push_str("</svg>");
    svg
}

fn add_months(d: NaiveDate, months: u32) -> NaiveDate {
    d.checked_add_months(chrono::Months::new(months))
        .unwrap_or(d)
}

fn first_quarter_after(d: NaiveDate) -> NaiveDate {
    use chrono::Datelike;
    let month = ((d.month0() / 3) + 1) * 3; // 3, 6, 9 or 12 months0 → next quarter start
    let (year, month0) = if month >= 12 {
        (d.year() + 1, 0)
    } else {
        (d.year(), month)
    };
    NaiveDate::from_ymd_opt(year, month0 + 1, 1).unwrap_or(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn bars_link_each_value_and_escape_labels() {
        let svg = bars(
            "Assets by stage",
            &[
                Bar {
                    label: "support".into(),
                    value: 10,
                    href: "/assets?stage=support".into(),
                    class: "s1",
                },
                Bar {
                    label: "<end> & \"more\"".into(),
                    value: 0,
                    href: "/assets?stage=end-of-support&x=1".into(),
                    class: "s2",
                },
            ],
        );
        assert!(svg.contains(r#"href="/assets?stage=support""#));
        assert!(svg.contains("&amp;x=1"));
        assert!(svg.contains("&lt;end&gt; &amp; &quot;more&quot;"));
        assert!(svg.contains(r#"aria-label="support: 10""#));
        // A zero bar has no width; the largest spans the whole bar area.
        assert!(svg.contains(r#"width="0""#));
        assert!(svg.contains(r#"width="220""#));
    }

    #[test]
    fn timeline_places_events_between_its_ends() {
        let svg = timeline(
            "Milestones",
            d("2026-01-01"),
            d("2027-01-01"),
            &[Event {
                date: d("2026-07-02"),
                label: "Pump EOS".into(),
                href: "/models/A/Pump".into(),
                class: "eos",
            }],
        );
        assert!(svg.contains("Pump EOS"));
        assert!(svg.contains(r#"cx="539.4""#), "{svg}");
        assert!(svg.contains("Jul 2026"));
        assert!(!svg.contains("Apr 2026"));
        assert_eq!(first_quarter_after(d("2026-11-15")), d("2027-01-01"));
        assert_eq!(first_quarter_after(d("2026-01-01")), d("2026-04-01"));
    }
}
