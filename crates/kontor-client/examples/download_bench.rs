//! Downloads one installer with the app's engine (Range-capable streaming to `<file>.kontor-part`, SHA-256
//! while writing, fsync, verify, rename) and prints the seconds it took: `scripts/bench-download.sh` runs it
//! against `curl` to /dev/null from the same portal.
//!
//! Usage: download_bench PORTAL_URL ACCESS_TOKEN ACCOUNT_ID FILE_NAME DEST

use std::time::Instant;

use kontor_client::download::{download, DownloadOutcome, DownloadTarget};
use kontor_client::PortalClient;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, access, account, file_name, dest] = args.as_slice() else {
        eprintln!("usage: download_bench PORTAL_URL ACCESS_TOKEN ACCOUNT_ID FILE_NAME DEST");
        std::process::exit(2);
    };
    let client = PortalClient::new(url).expect("portal URL");
    let installer = client
        .installers(access, account)
        .await
        .expect("installer list")
        .installers
        .into_iter()
        .find(|i| &i.file_name == file_name)
        .expect("installer in the catalog");
    let _ = std::fs::remove_file(dest);
    let target = DownloadTarget {
        dest: dest.into(),
        size: installer.size,
        sha256: installer.sha256.clone(),
        max_bytes_per_sec: None,
    };
    let (_tx, stop) = tokio::sync::watch::channel(false);
    let started = Instant::now();
    let outcome = download(
        &target,
        |from, v| {
            let (c, id) = (client.clone(), installer.id.clone());
            async move {
                c.installer_file(access, account, &id, from, v.as_deref())
                    .await
            }
        },
        stop,
        |_| {},
    )
    .await
    .expect("download");
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(
        outcome,
        DownloadOutcome::Complete {
            sha256: installer.sha256
        }
    );
    println!("{secs:.4}");
}
