//! Realistic image records for seeding: 19 fields of the Detail response, values
//! shaped like the documented examples (digests, repository addresses, RFC 3339
//! times, counts), deterministic per Id.

use std::fmt::Write;

use crate::load::Rng;

const NAMES: &[&str] = &[
    "nginx",
    "redis",
    "postgres",
    "mysql",
    "node",
    "python",
    "golang",
    "alpine",
    "busybox",
    "envoy",
    "prometheus",
    "grafana",
    "etcd",
    "kafka",
    "zookeeper",
    "elasticsearch",
];
const NAMESPACES: &[&str] = &["yunding", "platform", "payments", "search", "infra", "data"];
const REGIONS: &[&str] = &["ap-guangzhou", "ap-shanghai", "ap-beijing", "ap-hongkong"];
const REGISTRY_TYPES: &[&str] = &["ccr", "tcr", "harbor"];
const STATUSES: &[&str] = &["SCANNED", "SCANNING", "NOT_SCAN", "SCAN_ERROR"];

fn pick<'a>(rng: &mut Rng, from: &[&'a str]) -> &'a str {
    from[(rng.next() % from.len() as u64) as usize]
}

fn hex64(rng: &mut Rng, out: &mut String) {
    for _ in 0..4 {
        let _ = write!(out, "{:016x}", rng.next());
    }
}

fn time(rng: &mut Rng) -> String {
    let r = rng.next();
    format!(
        "20{:02}-{:02}-{:02}T{:02}:{:02}:{:02}+08:00",
        20 + r % 6,
        1 + (r >> 8) % 12,
        1 + (r >> 16) % 28,
        (r >> 24) % 24,
        (r >> 32) % 60,
        (r >> 40) % 60
    )
}

/// Appends the record with `id` as JSON.
pub fn write_record(id: u64, out: &mut String) {
    let mut rng = Rng::new(id.wrapping_mul(0x2545_F491_4F6C_DD1D));
    let name = pick(&mut rng, NAMES);
    let ns = pick(&mut rng, NAMESPACES);
    let region = pick(&mut rng, REGIONS);
    let status = pick(&mut rng, STATUSES);
    let _ = write!(
        out,
        "{{\"Id\":{id},\"ImageName\":\"{name}\",\"ImageTag\":\"v{}.{}.{}\",\"ImageId\":\"sha256:",
        rng.next() % 4,
        rng.next() % 30,
        rng.next() % 100
    );
    hex64(&mut rng, out);
    out.push_str("\",\"ImageDigest\":\"sha256:");
    hex64(&mut rng, out);
    let _ = write!(
        out,
        "\",\"RegistryType\":\"{}\",\"ImageRepoAddress\":\"ccr.ccs.tencentyun.com/{ns}/{name}\",\
         \"InstanceId\":\"ins-{:08x}\",\"InstanceName\":\"ccr-{region}\",\"Namespace\":\"{ns}\",\
         \"ImageSize\":{},\"ScanTime\":\"{}\",\"ScanStatus\":\"{status}\",\"VulCnt\":{},\
         \"VirusCnt\":{},\"RiskCnt\":{},\"OsName\":\"linux\",\"RegistryRegion\":\"{region}\",\
         \"ImageCreateTime\":\"{}\",\"IsAuthorized\":{}}}",
        pick(&mut rng, REGISTRY_TYPES),
        rng.next() as u32,
        5_000_000 + rng.next() % 900_000_000,
        time(&mut rng),
        rng.next() % 3000,
        rng.next() % 3,
        rng.next() % 20,
        time(&mut rng),
        rng.next() % 2
    );
}

/// A fixture document `{"images": [...]}` with the records `from..=to`.
pub fn document(from: u64, to: u64) -> String {
    let mut out = String::with_capacity(((to - from + 1) * 700) as usize + 16);
    out.push_str("{\"images\":[");
    for id in from..=to {
        if id != from {
            out.push(',');
        }
        write_record(id, &mut out);
    }
    out.push_str("]}");
    out
}

#[derive(Debug, Clone, clap::Args)]
pub struct RecordsArgs {
    /// First Id.
    #[arg(long, default_value_t = 1)]
    pub from: u64,
    /// Last Id (inclusive).
    #[arg(long, default_value_t = 1000)]
    pub to: u64,
}

pub fn main(args: &RecordsArgs) -> crate::Result<()> {
    if args.to < args.from {
        return Err("--to must not be below --from".into());
    }
    println!("{}", document(args.from, args.to));
    Ok(())
}
