//! The few date operations the compliance report needs: KnowBe4's two date
//! shapes (`2024-03-01` and `2024-03-01T09:00:00.000Z`) as seconds since the
//! Unix epoch, relative durations (`2 weeks`), and the current time.

const DAY: i64 = 86_400;

/// Seconds since 1970-01-01T00:00:00Z for `YYYY-MM-DD` (midnight UTC) or
/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z`; `None` for anything else.
#[must_use]
pub fn parse_seconds(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    // ASCII only: the slicing below is by byte, and a multi-byte character
    // would split; no valid date has one.
    if !text.is_ascii() || bytes.len() < 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year = number(&text[0..4])?;
    let month = number(&text[5..7])?;
    let day = number(&text[8..10])?;
    if !(1..=12).contains(&month) || !(1..=days_in_month(year, month)).contains(&day) {
        return None;
    }
    let date = days_from_civil(year, month, day) * DAY;
    let rest = &text[10..];
    if rest.is_empty() {
        return Some(date);
    }
    let time = rest.strip_prefix('T')?.strip_suffix('Z')?;
    if time.len() < 8 || &time[2..3] != ":" || &time[5..6] != ":" {
        return None;
    }
    let (hour, minute, second) = (
        number(&time[0..2])?,
        number(&time[3..5])?,
        number(&time[6..8])?,
    );
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let fraction = &time[8..];
    let digits_after_point =
        |f: &str| f.starts_with('.') && f.len() > 1 && f[1..].bytes().all(|b| b.is_ascii_digit());
    if !(fraction.is_empty() || digits_after_point(fraction)) {
        return None;
    }
    Some(date + hour * 3600 + minute * 60 + second)
}

/// `YYYY-MM-DDTHH:MM:SSZ` for seconds since the epoch.
#[must_use]
pub fn format_seconds(seconds: i64) -> String {
    let days = seconds.div_euclid(DAY);
    let time = seconds.rem_euclid(DAY);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        time / 3600,
        time % 3600 / 60,
        time % 60
    )
}

/// A relative duration as KnowBe4 writes it (`1 week`, `2 weeks`, `30 days`,
/// `1 month`) in seconds; a month counts as 30 days.
#[must_use]
pub fn parse_relative_duration(text: &str) -> Option<i64> {
    let mut parts = text.split_whitespace();
    let count: i64 = parts.next()?.parse().ok()?;
    let unit = parts.next()?.to_ascii_lowercase();
    if parts.next().is_some() || count < 0 {
        return None;
    }
    let unit_days = match unit.trim_end_matches('s') {
        "day" => 1,
        "week" => 7,
        "month" => 30,
        "year" => 365,
        _ => return None,
    };
    Some(count * unit_days * DAY)
}

/// The current time in seconds since the epoch, where the host has a clock
/// the core may read (not on wasm: the binding passes `as_of` instead).
#[must_use]
pub fn now_seconds() -> Option<i64> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        i64::try_from(since.as_secs()).ok()
    }
    #[cfg(target_arch = "wasm32")]
    {
        None
    }
}

fn number(text: &str) -> Option<i64> {
    if text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_shapes_and_round_trip() {
        assert_eq!(parse_seconds("1970-01-01"), Some(0));
        assert_eq!(
            parse_seconds("2024-03-01T09:00:00.000Z"),
            Some(1_709_283_600)
        );
        assert_eq!(parse_seconds("2024-02-29"), Some(1_709_164_800));
        assert_eq!(format_seconds(1_709_283_600), "2024-03-01T09:00:00Z");
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-03-01T09:00:00",
            "24-03-01",
            "2024-03-01T9:00:00Z",
            "2024-03-01x",
            "",
        ] {
            assert_eq!(parse_seconds(bad), None, "{bad}");
        }
    }

    #[test]
    fn relative_durations() {
        assert_eq!(parse_relative_duration("1 week"), Some(7 * DAY));
        assert_eq!(parse_relative_duration("2 weeks"), Some(14 * DAY));
        assert_eq!(parse_relative_duration("30 days"), Some(30 * DAY));
        assert_eq!(parse_relative_duration("soon"), None);
    }
}
