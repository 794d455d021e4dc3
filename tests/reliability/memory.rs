//! What one request can make the emulator keep, measured on the real binary: a
//! bounded number of large requests, then the process's resident memory (`VmRSS` and
//! its peak `VmHWM` from `/proc`) under a generous ceiling, and the process still
//! serving. The ceilings are several times what the bounds allow; without them the
//! same requests took gigabytes (issue 16) or aborted the process.

use std::time::Duration;

use crate::support::*;

/// A JSON body of about `bytes` bytes: `{"Id": [[0,0,...], ...]}` (nested zero
/// arrays: the most values per byte).
fn zeros_body(bytes: usize) -> Vec<u8> {
    let inner = format!("[{}]", vec!["0"; 1000].join(","));
    let n = bytes / (inner.len() + 1);
    let mut body = String::with_capacity(bytes + 16);
    body.push_str("{\"Id\":[");
    for i in 0..n {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&inner);
    }
    body.push_str("]}");
    body.into_bytes()
}

async fn send(bin: &Binary, wire: &Wire, limit: Duration) -> Reply {
    exchange(bin.addr, wire.bytes(), After::Read, false, limit)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .expect("an answer")
}

/// Peak and current resident memory, in MiB.
fn rss_mib(bin: &Binary) -> (u64, u64) {
    (bin.status_value("VmHWM") / 1024, bin.rss_kib() / 1024)
}

/// Issue 16, point 1: unsigned POSTs of a 10 MB body of nested zero arrays each
/// answered `MissingParameter`, and RSS grew by 2.7 GB over seven; the eighth aborted
/// the process. Now an unsigned call's body is never built into values nor kept, and
/// a signed call keeps at most 32 KiB of parameters.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_unsigned_and_signed_bodies_do_not_grow_the_journal_beyond_its_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let mut bin = Binary::start(&["--rate-limit", "0"], dir.path(), "journal.log");
    let body = zeros_body(10_000_000);
    let limit = Duration::from_secs(60);
    let unsigned = Wire::new("POST", "/")
        .header("Host", bin.addr.to_string())
        .header("Content-Type", "application/json")
        .body(&body);
    for i in 0..8 {
        let reply = send(&bin, &unsigned, limit).await;
        bin.assert_healthy(&format!("after unsigned call {i}"));
        assert_eq!(
            reply.code().as_deref(),
            Some("MissingParameter"),
            "{}",
            reply.text()
        );
    }
    let (unsigned_peak, _) = rss_mib(&bin);
    for i in 0..2 {
        let reply = send(
            &bin,
            &bin.signer()
                .json(DETAIL, std::str::from_utf8(&body).unwrap()),
            limit,
        )
        .await;
        bin.assert_healthy(&format!("after signed call {i}"));
        assert_eq!(
            reply.code().as_deref(),
            Some("InvalidParameter"),
            "{}",
            reply.text()
        );
    }
    let (peak, now) = rss_mib(&bin);
    eprintln!(
        "journal: unsigned peak {unsigned_peak} MiB; after signed: peak {peak} MiB, now {now} MiB"
    );
    assert!(
        unsigned_peak < 150,
        "eight unsigned 10 MB calls: peak RSS {unsigned_peak} MiB"
    );
    assert!(peak < 1500, "two signed 10 MB calls: peak RSS {peak} MiB");
    let journal = send(
        &bin,
        &Wire::new("GET", "/_emulator/requests").header("Host", bin.addr.to_string()),
        limit,
    )
    .await;
    assert_eq!(journal.status, 200);
    assert!(
        journal.body.len() < 10 * 64 * 1024,
        "journal of 10 calls: {} bytes",
        journal.body.len()
    );
    assert_serves(bin.addr, &bin.signer()).await.unwrap();
}

/// Issue 16, point 2: a signed `DescribeAssetImageRegistryListExport` with an
/// `ExportField` of 860,000 entries built a 225 MB CSV; three such calls aborted the
/// process. Repeats are dropped now (so the file has a handful of columns), an
/// unknown name is refused, and the files kept are bounded in count and bytes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_field_of_860_000_entries_makes_a_small_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut bin = Binary::start(&["--rate-limit", "0"], dir.path(), "export.log");
    let names = ["ImageName", "ImageTag", "VulCnt", "Namespace"];
    let fields: Vec<&str> = names.iter().copied().cycle().take(860_000).collect();
    let limit = Duration::from_secs(60);
    let export = "DescribeAssetImageRegistryListExport";
    for i in 0..3 {
        let body = serde_json::json!({ "ExportField": fields }).to_string();
        let reply = send(&bin, &bin.signer().json(export, &body), limit).await;
        bin.assert_healthy(&format!("after export {i}"));
        let response = reply.envelope().unwrap();
        assert!(response.get("Error").is_none(), "{response}");
        let url = response["DownloadUrl"]
            .as_str()
            .unwrap()
            .replace(".xlsx?sign=", ".csv?sign=");
        let target = url
            .split_once("/_emulator")
            .map(|(_, t)| format!("/_emulator{t}"))
            .unwrap();
        let csv = send(
            &bin,
            &Wire::new("GET", &target).header("Host", bin.addr.to_string()),
            limit,
        )
        .await;
        assert_eq!(csv.status, 200);
        assert!(
            csv.body
                .starts_with(b"ImageName,ImageTag,VulCnt,Namespace\n")
        );
        assert!(csv.body.len() < 4096, "{} bytes", csv.body.len());
    }
    let mut unknown = fields.clone();
    unknown.push("NoSuchColumn");
    let body = serde_json::json!({ "ExportField": unknown }).to_string();
    let reply = send(&bin, &bin.signer().json(export, &body), limit).await;
    assert_eq!(
        reply.code().as_deref(),
        Some("InvalidParameterValue"),
        "{}",
        reply.text()
    );
    let (peak, now) = rss_mib(&bin);
    eprintln!("exports: peak {peak} MiB, now {now} MiB");
    assert!(
        peak < 600,
        "four exports of 860,000 fields: peak RSS {peak} MiB"
    );
    assert_serves(bin.addr, &bin.signer()).await.unwrap();
}

/// A fixture document of small records, `bytes` long at most.
fn fixture_doc(bytes: usize) -> Vec<u8> {
    let mut doc = String::with_capacity(bytes);
    doc.push_str("{\"images\":[");
    let mut id = 0;
    loop {
        let record = format!(
            "{{\"Id\":{id},\"ImageName\":\"img-{id}\",\"ImageTag\":\"v1\",\"VulCnt\":3,\"ScanStatus\":\"SCANNED\"}}"
        );
        if doc.len() + record.len() + 3 > bytes {
            break;
        }
        if id > 0 {
            doc.push(',');
        }
        doc.push_str(&record);
        id += 1;
    }
    doc.push_str("]}");
    doc.into_bytes()
}

/// Issue 16, point 4: a 19.8 MB fixture document peaked at 965 MB resident before
/// being refused (the limit was 512 MiB). A document is read and written record by
/// record in batches now, under a 64 MiB limit: a larger body is `413` before it is
/// read whole, and a document of small records (the most costly per byte: 16 MiB,
/// ~190,000 records, peaked at ~600 MB before) stays within a few hundred MB (a file
/// database, so that what is measured is the request, not the records kept in
/// memory). The README's figure for the full 64 MiB comes from the same measurement.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_admin_body_stays_within_a_few_hundred_mb() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("seed.sqlite");
    let mut bin = Binary::start(
        &["--rate-limit", "0", "--db", db.to_str().unwrap()],
        dir.path(),
        "admin.log",
    );
    let limit = Duration::from_secs(300);
    let seed = |body: &[u8]| {
        Wire::new("POST", "/_emulator/fixtures")
            .header("Host", bin.addr.to_string())
            .header("Content-Type", "application/json")
            .body(body)
    };
    let too_big = send(&bin, &seed(&fixture_doc(70_000_000)), limit).await;
    assert_eq!(too_big.status, 413, "{}", too_big.text());
    let (peak, _) = rss_mib(&bin);
    assert!(peak < 100, "a refused 70 MB body: peak RSS {peak} MiB");
    let doc = fixture_doc(16 * 1024 * 1024);
    let reply = send(&bin, &seed(&doc), limit).await;
    bin.assert_healthy("after a 16 MiB fixture document");
    assert_eq!(reply.status, 200, "{}", reply.text());
    let (peak, now) = rss_mib(&bin);
    eprintln!("admin: 16 MiB document of small records: peak {peak} MiB, now {now} MiB");
    assert!(peak < 250, "a 16 MiB fixture document: peak RSS {peak} MiB");
    assert_serves(bin.addr, &bin.signer()).await.unwrap();
}
