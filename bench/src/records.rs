//! Realistic records for seeding, deterministic per index: images (19 fields of the
//! Detail response, values shaped like the documented examples: digests, repository
//! addresses, RFC 3339 times, counts) and hosts (26 fields of `HostInfo`).

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
    let mut out = String::with_capacity((to.saturating_sub(from) + 1) as usize * 700 + 16);
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

const HOST_GROUPS: &[&str] = &["default", "web", "payments", "search", "infra", "data"];
const HOST_STATUSES: &[&str] = &["ONLINE", "OFFLINE", "UNINSTALL"];
const HOST_MACHINES: &[&str] = &["CVM", "ECM", "LH", "BM", "Other"];
const HOST_DOCKER: &[&str] = &["20.10.7", "20.10.21", "24.0.5", "19.03.9", "26.1.0"];
const HOST_ROLES: &[&str] = &["web", "db", "cache", "worker", "gateway", "batch"];

/// Appends host `i` as JSON: one `HostInfo` record (26 fields, ≈ 610 bytes of JSON), its
/// `HostID` `host-{i:08x}`, its `HostName` `{role}-{i}`.
pub fn host(i: u64, out: &mut String) {
    let mut rng = Rng::new(i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let ip = rng.next();
    let _ = write!(
        out,
        "{{\"HostID\":\"host-{i:08x}\",\"HostIP\":\"10.{}.{}.{}\",\"HostName\":\"{}-{i}\",\
         \"Group\":\"{}\",\"DockerVersion\":\"{}\",\"DockerFileSystemDriver\":\"overlay2\",\
         \"ImageCnt\":{},\"ContainerCnt\":{},\"Status\":\"{}\",\"IsContainerd\":{},\
         \"MachineType\":\"{}\",\"PublicIp\":\"43.{}.{}.{}\",\"Uuid\":\"{:016x}{:016x}\",\
         \"InstanceID\":\"ins-{:08x}\",\"RegionID\":{},\"Project\":{{\"ProjectID\":0,\"ProjectName\":\"default\"}},\
         \"Tags\":[],\"ClusterID\":\"cls-{:08x}\",\"ClusterName\":\"cluster-{}\",\
         \"ClusterAccessedStatus\":\"AccessedInstalled\",\"ChargeCoresCnt\":{},\
         \"DefendStatus\":\"Defended\",\"CoresCnt\":{},\"LastOnlineTime\":\"2026-11-{:02} 10:00:00\"}}",
        ip % 256,
        (ip >> 8) % 256,
        (ip >> 16) % 256,
        pick(&mut rng, HOST_ROLES),
        pick(&mut rng, HOST_GROUPS),
        pick(&mut rng, HOST_DOCKER),
        rng.next() % 40,
        rng.next() % 120,
        pick(&mut rng, HOST_STATUSES),
        rng.next().is_multiple_of(2),
        pick(&mut rng, HOST_MACHINES),
        ip % 256,
        (ip >> 24) % 256,
        (ip >> 32) % 256,
        rng.next(),
        rng.next(),
        rng.next() as u32,
        1 + rng.next() % 30,
        i % 50,
        i % 50,
        rng.next() % 16,
        [2, 4, 8, 16, 32][(rng.next() % 5) as usize],
        1 + rng.next() % 28,
    );
}

/// A fixture document `{"hosts": [...]}` with the hosts `from..=to`.
pub fn hosts_document(from: u64, to: u64) -> String {
    let mut out = String::with_capacity((to.saturating_sub(from) + 1) as usize * 760 + 16);
    out.push_str("{\"hosts\":[");
    for i in from..=to {
        if i != from {
            out.push(',');
        }
        host(i, &mut out);
    }
    out.push_str("]}");
    out
}

/// A fixture document with host `i` changed: its `Status` gets an `X` in front (so
/// an `ONLINE` host leaves the `Status=ONLINE` filter), every other field as seeded.
pub fn changed_host_document(i: u64) -> String {
    hosts_document(i, i).replacen("\"Status\":\"", "\"Status\":\"X", 1)
}

#[derive(Debug, Clone, clap::Args)]
pub struct RecordsArgs {
    /// First Id.
    #[arg(long, default_value_t = 1)]
    pub from: u64,
    /// Last Id (inclusive).
    #[arg(long, default_value_t = 1000)]
    pub to: u64,
    /// Hosts (`{"hosts": [...]}`, the list benchmark's records) instead of images.
    #[arg(long)]
    pub hosts: bool,
}

pub fn main(args: &RecordsArgs) -> crate::Result<()> {
    if args.to < args.from {
        return Err("--to must not be below --from".into());
    }
    if args.hosts {
        println!("{}", hosts_document(args.from, args.to));
    } else {
        println!("{}", document(args.from, args.to));
    }
    Ok(())
}
