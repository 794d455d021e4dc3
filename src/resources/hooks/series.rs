//! Counting shared by every family's summary and tendency hooks: how many records have
//! a field value, and per-day series between a request's `StartTime` and `EndTime`
//! (or the last `TendencyPeriod` days) on the emulator clock.

use chrono::{DateTime, Duration, NaiveDate};
use serde_json::{Map, Value};

use super::super::field;
use crate::error::ApiError;

/// The longest series answered, in days (a year and a day).
pub const MAX_DAYS: i64 = 366;

/// A field as text (`""` when absent or not a string).
pub fn text<'a>(r: &'a Map<String, Value>, name: &str) -> &'a str {
    field(r, name).and_then(Value::as_str).unwrap_or("")
}

/// A field as a number (digits in a string count; anything else is 0).
pub fn num(r: &Map<String, Value>, name: &str) -> i64 {
    match field(r, name) {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        _ => 0,
    }
}

/// How many of `records` have `name` equal to `value` (without regard to case).
pub fn count_where<'a>(
    records: impl IntoIterator<Item = &'a Map<String, Value>>,
    name: &str,
    value: &str,
) -> i64 {
    let n = records
        .into_iter()
        .filter(|r| text(r, name).eq_ignore_ascii_case(value))
        .count();
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The day of an API time (`2026-12-03`, `2026-12-03 10:00:00`, or RFC 3339).
pub fn day_of(value: &str) -> Option<NaiveDate> {
    let head = value.get(..10)?;
    NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
}

/// The day `ms` falls on (UTC).
pub fn day_at(ms: i64) -> NaiveDate {
    DateTime::from_timestamp_millis(ms)
        .map(|t| t.date_naive())
        .unwrap_or_default()
}

/// The days a tendency request asks for, oldest first: `StartTime` to `EndTime`
/// (both days included), else the last `TendencyPeriod` days, else the last
/// `default_days` days, ending today on the emulator clock. A time that is no date
/// is `InvalidParameterValue`; an end before the start is an empty series; at most
/// [`MAX_DAYS`] days, the newest kept.
pub fn days(
    params: &Map<String, Value>,
    now_ms: i64,
    default_days: i64,
) -> Result<Vec<NaiveDate>, ApiError> {
    let today = day_at(now_ms);
    let given = |member: &str| -> Result<Option<NaiveDate>, ApiError> {
        match params.get(member).and_then(Value::as_str) {
            None | Some("") => Ok(None),
            Some(s) => day_of(s).map(Some).ok_or_else(|| {
                ApiError::invalid_parameter_value(member, &format!("`{s}` is not a date"))
            }),
        }
    };
    let end = given("EndTime")?.unwrap_or(today);
    let start = match given("StartTime")? {
        Some(start) => start,
        None => {
            let period = params
                .get("TendencyPeriod")
                .and_then(Value::as_i64)
                .filter(|p| *p > 0)
                .unwrap_or(default_days)
                .min(MAX_DAYS);
            end - Duration::days(period - 1)
        }
    };
    let start = start.max(end - Duration::days(MAX_DAYS - 1));
    Ok(start.iter_days().take_while(|d| *d <= end).collect())
}

/// For each of `days`, the records whose `time_field` falls on it.
pub fn per_day<'a>(
    records: &'a [&'a Map<String, Value>],
    time_field: &str,
    days: &[NaiveDate],
) -> Vec<(NaiveDate, Vec<&'a Map<String, Value>>)> {
    days.iter()
        .map(|d| {
            let on: Vec<_> = records
                .iter()
                .copied()
                .filter(|r| day_of(text(r, time_field)) == Some(*d))
                .collect();
            (*d, on)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    // 2026-12-03 12:00:00 UTC
    const NOW: i64 = 1_796_299_200_000;

    #[test]
    fn days_span_start_to_end_or_the_period_ending_today() {
        let d = days(
            &params(json!({"StartTime": "2026-11-30", "EndTime": "2026-12-02 23:59:59"})),
            NOW,
            7,
        )
        .unwrap();
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].to_string(), "2026-11-30");
        let d = days(&params(json!({"TendencyPeriod": 2})), NOW, 7).unwrap();
        assert_eq!(
            d.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["2026-12-02", "2026-12-03"]
        );
        assert_eq!(days(&params(json!({})), NOW, 7).unwrap().len(), 7);
        assert!(
            days(
                &params(json!({"StartTime": "2026-12-05", "EndTime": "2026-12-01"})),
                NOW,
                7
            )
            .unwrap()
            .is_empty()
        );
        assert_eq!(
            days(&params(json!({"StartTime": "2000-01-01"})), NOW, 7)
                .unwrap()
                .len(),
            366
        );
        assert!(days(&params(json!({"StartTime": "yesterday"})), NOW, 7).is_err());
    }

    #[test]
    fn records_are_counted_per_day_and_by_value() {
        let a = params(json!({"EventTime": "2026-12-03 10:00:00", "Level": "HIGH"}));
        let b = params(json!({"EventTime": "2026-12-02 10:00:00", "Level": "high"}));
        let c = params(json!({"EventTime": "", "Level": "LOW"}));
        let all = [&a, &b, &c];
        assert_eq!(count_where(all, "level", "HIGH"), 2);
        let d = days(&params(json!({"TendencyPeriod": 2})), NOW, 7).unwrap();
        let series = per_day(&all, "EventTime", &d);
        assert_eq!(
            series.iter().map(|(_, on)| on.len()).collect::<Vec<_>>(),
            [1, 1]
        );
    }
}
