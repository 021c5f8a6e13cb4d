//! Every example of `docs/omhe.md`, as written there.

use razcode_her::omhe::{parse, to_json, Message};

fn one(line: &str) -> Message {
    let mut m = parse(line).unwrap_or_else(|e| panic!("{line:?}: {e}"));
    assert_eq!(m.len(), 1);
    m.remove(0)
}

fn fails(line: &str) -> String {
    match parse(line) {
        Ok(m) => panic!("{line:?} parsed: {m:?}"),
        Err(e) => e.message,
    }
}

fn f<'a>(m: &'a Message, k: &str) -> &'a str {
    m.field(k).unwrap_or_else(|| panic!("{k} missing in {m:?}"))
}

#[test]
fn section_1_lines() {
    let e = parse("bp=120/80p60\r\n\r\n  wt=70.5k#tz-5  \nbpm=72").unwrap_err();
    assert_eq!(e.line, Some(4));
    assert_eq!(e.message, "line 4: unknown command 'bpm'");
    let ok = parse("bp=120/80p60\r\n\r\n  wt=70.5k#tz-5  \n").unwrap();
    assert_eq!(ok.len(), 2);
    assert_eq!((ok[0].line, ok[1].line), (1, 3));
    assert_eq!(f(&ok[1], "wt_numeric"), "70.5");
    assert_eq!(ok[1].tz, Some(-300));
    assert_eq!(parse(" \n\t\n").unwrap_err().message, "no OMHE messages");
    // A lone CR is not a line break.
    assert!(parse("bp=120/80\rwt=5").is_err());
}

#[test]
fn section_2_separator() {
    for l in ["bp=120/80", "bp120/80", "bp 120/80", "bp = 120/80"] {
        let m = one(l);
        assert_eq!((f(&m, "bp_systolic"), f(&m, "bp_diastolic")), ("120", "80"));
    }
    fails("bp==120/80");
}

#[test]
fn section_3_recognition() {
    assert_eq!(one("wtr=5").omhe, "wtr");
    assert_eq!(f(&one("wtr=5"), "one_to_ten_numeric"), "5");
    assert_eq!(one("junkfood=3").omhe, "jnk");
    assert_eq!(one("carbohydrate=4").omhe, "crb");
    assert_eq!(f(&one("check-in=x"), "ci_payload"), "x");
    assert_eq!(f(&one("checkin=x"), "ci_payload"), "x");
    assert_eq!(f(&one("check in"), "ci_payload"), "in");
    assert_eq!(
        (one("h2o8").omhe, f(&one("h2o8"), "one_to_ten_numeric")),
        ("wtr", "8")
    );
    assert_eq!(f(&one("cd4-count350"), "hivcd4_numeric"), "350");
    assert!(fails("wté=5").contains("wt"));
    for l in [
        "bpm=72",
        "stop",
        "start",
        "ptsd",
        "checkup",
        "veggies=3",
        "frvapple",
    ] {
        assert!(fails(l).contains("unknown command"), "{l}");
    }
    for l in ["okay", "yams", "sit down", "yes=", "ok!", "ok👍"] {
        assert!(fails(l).contains("unknown command"), "{l}");
    }
    assert_eq!(f(&one("protein=2"), "one_to_ten_numeric"), "2");
    assert_eq!(one("protein=2").omhe, "ptn");
    assert_eq!(
        (one("starch=3").omhe, f(&one("starch=3"), "sch_text")),
        ("sch", "3")
    );
    assert_eq!(one(" bp=120/80").omhe, "bp");
    assert_eq!(one("BP=120/80").omhe, "bp");
    for l in [
        "ｂｐ=1",
        "\u{feff}bp=120/80",
        "#bp=120/80",
        "help",
        "bmi=22",
    ] {
        assert!(fails(l).contains("unknown command"), "{l}");
    }
    assert_eq!(fails("bpm=72"), "line 1: unknown command 'bpm'");
}

#[test]
fn section_5_ints_and_decimals() {
    assert_eq!(f(&one("md=010"), "md_numeric"), "10");
    let zeros = format!("md={}5", "0".repeat(100));
    assert_eq!(f(&one(&zeros), "md_numeric"), "5");
    assert!(fails("bg=99999999999999999999").contains("out of range"));
    assert_eq!(
        f(&one("st=999999999999999999"), "st_numeric"),
        "999999999999999999"
    );
    fails("st=1000000000000000000");
    assert_eq!(f(&one("pts=+5"), "pts_numeric"), "5");
    assert_eq!(f(&one("wt=0150.50"), "wt_numeric"), "150.5");
    assert_eq!(f(&one("wt=0150.50"), "wt_measure_unit"), "l");
    for l in [
        "wt=150 l", "wt=nan", "wt=1e3", "wt=-0", "wt=.5", "wt=5.", "wt=1_0", "wt=1,5", "wt=inf",
    ] {
        fails(l);
    }
    assert!(fails("wt=nan").contains("expected a decimal number with an optional unit l or k"));
    assert_eq!(f(&one("ffm=5.5"), "ffm_numeric"), "5.5");
    fails("ffm=-5k");
    fails("pbf=+20");
    fails("fm=0.5");
    assert_eq!(f(&one("pbf=95"), "pbf_numeric"), "95");
    fails("pbf=95.5");
}

#[test]
fn section_5_bp() {
    let m = one("bp=120080060");
    assert_eq!(
        (
            f(&m, "bp_systolic"),
            f(&m, "bp_diastolic"),
            f(&m, "bp_pulse")
        ),
        ("120", "80", "60")
    );
    fails("bp=000000000");
    assert!(fails("bp=19/80").contains("bp: systolic 19 is out of range 20-500"));
    fails("bp=120/80p60p70");
    fails("bp=120/80/70");
    fails("bp=120/");
    fails("bp=120/80p");
    fails("bp=120d80d70");
    fails("bp=120/80p9");
    let m = one("Bp 120D80P60#after run");
    assert_eq!(f(&m, "bp_pulse"), "60");
    assert_eq!(m.tags, vec!["after run"]);
}

#[test]
fn section_5_zero_to_ten_frv_text() {
    assert_eq!(f(&one("frt"), "one_to_ten_numeric"), "1");
    assert_eq!(f(&one("frt=#x"), "one_to_ten_numeric"), "1");
    for l in ["frt=apple", "frt=-1", "frt=5.5", "frt=11"] {
        fails(l);
    }
    let m = one("frv=Apple3");
    assert_eq!((f(&m, "frv_item"), f(&m, "frv_count")), ("apple", "3"));
    let m = one("frv=brussels sprouts2");
    assert_eq!(
        (f(&m, "frv_item"), f(&m, "frv_count")),
        ("brussels sprouts", "2")
    );
    let m = one("frv=Bell Pepper2");
    assert_eq!(
        (f(&m, "frv_item"), f(&m, "frv_count")),
        ("bell pepper", "2")
    );
    assert_eq!(f(&one("frv=kale"), "frv_count"), "1");
    for l in [
        "frv=apple12",
        "frv=cucumber",
        "frv=",
        "frv=apple 3",
        "frv=brussels  sprouts",
    ] {
        fails(l);
    }
    let e120 = format!("ci={}", "é".repeat(120));
    one(&e120);
    let emoji = format!("ci={}", "😀".repeat(120));
    one(&emoji);
    fails(&format!("ci={}", "é".repeat(121)));
    assert_eq!(f(&one("ci==x"), "ci_payload"), "=x");
    let m = one("ci=Feeling Great! #Morning");
    assert_eq!(f(&m, "ci_payload"), "Feeling Great!");
    assert_eq!(m.tags, vec!["morning"]);
}

#[test]
fn section_5_sbp_gbp_yes() {
    assert_eq!(
        f(&one("sbp=Doc.Who@Clinic.org"), "sbp_to"),
        "Doc.Who@Clinic.org"
    );
    one("sbp=nurse@[10.0.0.1]");
    fails("sbp=a@b.com");
    fails("sbp=someone@example.info");
    fails("sbp=no-at-sign.com");
    for l in ["gbp", "gbp=", "GBP#x"] {
        let m = one(l);
        assert_eq!(m.omhe, "gbp");
        assert!(m.fields.is_empty());
    }
    fails("gbp=anything");
    let m = one("Yes please#tz-5");
    assert_eq!((m.omhe, m.tz), ("yes", Some(-300)));
    assert_eq!(m.tags, vec!["tz-5"]);
    for l in ["y", "si", "ok", "OK#x"] {
        assert_eq!(one(l).omhe, "yes");
    }
}

#[test]
fn section_6_tags_and_helpers() {
    let m = one("bp=120/80# Lunch #  #AFTER run");
    assert_eq!(m.tags, vec!["lunch", "after run"]);
    let m = one("Weight=80K#tz+5:30");
    assert_eq!((f(&m, "wt_numeric"), f(&m, "wt_measure_unit")), ("80", "k"));
    assert_eq!(m.tz, Some(330));
    for (tag, minutes) in [
        ("-5", -300),
        ("+5:30", 330),
        ("5.5", 330),
        ("5.75", 345),
        ("5.30", 318),
        ("=-5", -300),
        (" -5", -300),
        ("0", 0),
        ("+14:00", 840),
        ("-12", -720),
    ] {
        assert_eq!(one(&format!("wt=1#tz{tag}")).tz, Some(minutes), "{tag}");
    }
    for tag in [
        "tz=", "tz1e1", "tz5:3", "tz5.01", "tz+14:30", "tz-12:01", "tz123",
    ] {
        fails(&format!("wt=1#{tag}"));
    }
    let m = one("wt=150#dt20240229:235959z#tz=-5");
    assert_eq!(
        m.event_time.as_ref().unwrap().text(),
        "2024-02-29T23:59:59Z"
    );
    assert_eq!(m.tz, Some(-300));
    let m = one("wt=1#dt = 20120501:083059");
    assert_eq!(m.event_time.unwrap().text(), "2012-05-01T08:30:59");
    for tag in [
        "dt2012111:000000",
        "dt20120101:0000",
        "dt20120230:000000",
        "dt20120101:000060",
        "dt00010101:000000",
        "dt20120101:240000",
    ] {
        fails(&format!("wt=1#{tag}"));
    }
    assert!(fails("wt=1#dt20120230:000000").contains("20120230 is not a date"));
    let m = one("pts=-50#points3");
    assert_eq!(
        (f(&m, "pts_numeric"), m.points.as_deref()),
        ("-50", Some("3"))
    );
    assert_eq!(one("wt=1#points=-5").points.as_deref(), Some("-5"));
    assert_eq!(one("wt=1#points +5").points.as_deref(), Some("5"));
    let m = one("wt=1#tzatziki#dtbad#pointsx5#id7#tx-5#wt=150");
    assert_eq!(
        m.tags,
        vec!["tzatziki", "dtbad", "pointsx5", "id7", "tx-5", "wt=150"]
    );
    assert_eq!((m.tz, m.event_time, m.points), (None, None, None));
    // The last repeated helper wins; the value is checked first.
    assert_eq!(one("wt=1#tz-5#tz+1").tz, Some(60));
    assert!(fails("wt=x#tz=99").contains("wt:"));
}

#[test]
fn section_7_json_form() {
    let r = parse("bp=120/80p60#dt20120501:083059z#tz-5");
    let j = to_json(&r);
    assert_eq!(
        j,
        serde_json::json!({"ok": true, "messages": [{"line": 1, "omhe": "bp",
            "fields": {"bp_systolic": "120", "bp_diastolic": "80", "bp_pulse": "60"},
            "tags": ["dt20120501:083059z", "tz-5"], "event_time": "2012-05-01T08:30:59Z",
            "tz": "-05:00", "points": null}]})
    );
    let r = parse("bp=120/80\n\n\nbpm=72");
    assert_eq!(
        to_json(&r),
        serde_json::json!({"ok": false, "error": {"line": 4, "message": "line 4: unknown command 'bpm'"}})
    );
    assert_eq!(
        to_json(&parse("wt=1#tz0"))
            .pointer("/messages/0/tz")
            .unwrap(),
        "+00:00"
    );
}

#[test]
fn never_panics_on_odd_input() {
    let odd = [
        "bp",
        "bp=",
        "bp=/",
        "bp=p",
        "bp=1/1p",
        "wt=",
        "wt=k",
        "wt=.",
        "tz",
        "#",
        "##",
        "ci=#",
        "frv=1",
        "pts=-",
        "pts=+",
        "sbp=@",
        "sbp=@@@@@@@@",
        "wt=1#dt",
        "wt=1#tz-",
        "wt=1#tz.5",
        "wt=1#tz5.",
        "wt=1#tz:30",
        "wt=1#points",
        "bp=1234567890",
    ];
    for l in odd {
        let _ = parse(l);
    }
    assert!(razcode_her::omhe::parse_bytes(b"bp=120/80\xff").is_err());
    let huge = format!("st={}", "9".repeat(100_000));
    assert!(parse(&huge).is_err());
}

#[test]
fn writer_round_trips_and_refuses_out_of_range() {
    use razcode_her::omhe::{write, EventTime, Line, Reading};
    let mut bp = Line::new(Reading::BloodPressure {
        systolic: 120,
        diastolic: 80,
        pulse: Some(60),
    });
    bp.event_time = Some(EventTime {
        year: 2026,
        month: 11,
        day: 26,
        hour: 9,
        minute: 30,
        second: 0,
        utc: true,
    });
    bp.tz = Some(-300);
    bp.tags = vec!["After Walk #2".into()];
    let lines = vec![
        bp,
        Line::new(Reading::Weight {
            value: "70.5".into(),
            kilograms: true,
        }),
        Line::new(Reading::BloodGlucose(98)),
        Line::new(Reading::PercentBodyFat("21.5".into())),
        Line::new(Reading::Steps(12000)),
        Line::new(Reading::Pain(3)),
        Line::new(Reading::Mood(7)),
        Line::new(Reading::CheckIn("Feeling better # today\nthanks".into())),
    ];
    let text = write(&lines).unwrap();
    assert_eq!(
        text.lines().next(),
        Some("bp=120/80p60#dt20261126:093000z#tz-5:00#After Walk  2")
    );
    let back = parse(&text).unwrap();
    assert_eq!(back.len(), 8);
    assert_eq!(back[0].tz, Some(-300));
    assert_eq!(
        back[0].tags,
        vec!["dt20261126:093000z", "tz-5:00", "after walk  2"]
    );
    assert_eq!(f(&back[1], "wt_measure_unit"), "k");
    assert_eq!(f(&back[7], "ci_payload"), "Feeling better   today thanks");
    assert!(write(&[Line::new(Reading::BloodPressure {
        systolic: 10,
        diastolic: 80,
        pulse: None
    })])
    .is_err());
    assert!(write(&[Line::new(Reading::Pain(11))]).is_err());
    assert!(write(&[]).is_err());
}
