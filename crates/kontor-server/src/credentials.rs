//! Credentials: random session and license tokens and their SHA-256 hashes, Argon2id passwords, temporary
//! passwords (salted SHA-256), and the [`HashPool`] every Argon2 run of a request goes through. No HTTP
//! here: the `AuthUser` extractor is in `auth`.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::ServerError;

/// A new access or refresh token: 32 random bytes, base64url without padding.
pub fn new_session_token() -> String {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// A new license token: 20 random bytes as 40 lower-case hex characters.
pub fn new_license_token() -> String {
    let mut b = [0u8; 20];
    OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// How tokens are stored: SHA-256, hex.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn argon2() -> Result<Argon2<'static>, ServerError> {
    // OWASP: Argon2id, m = 19 MiB, t = 2, p = 1.
    let params = Params::new(19_456, 2, 1, None)
        .map_err(|e| ServerError::Internal(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

thread_local! {
    /// This thread's Argon2 work memory, allocated once and reused: freeing a 19 MiB block after every hash
    /// makes glibc raise its mmap threshold to that size for the whole process, after which the freed
    /// memory of every later allocation stays in the arenas (6 GiB after a burst of sign-ins).
    static ARGON2_BLOCKS: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs Argon2 `a` into `out` with this thread's reused work memory.
fn argon2_into(
    a: &Argon2<'_>,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    let n = a.params().block_count();
    ARGON2_BLOCKS.with(|blocks| {
        let mut blocks = blocks.borrow_mut();
        if blocks.len() < n {
            blocks.resize(n, argon2::Block::default());
        }
        a.hash_password_into_with_memory(password, salt, out, &mut blocks[..n])
    })
}

/// Hashes a password (CPU-heavy: call through the [`HashPool`] or a blocking thread) into a PHC string.
pub fn hash_password(password: &str) -> Result<String, ServerError> {
    let salt = SaltString::generate(&mut OsRng);
    let a = argon2()?;
    let fail = |e: &dyn std::fmt::Display| ServerError::Internal(format!("argon2 hash: {e}"));
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt
        .as_salt()
        .decode_b64(&mut salt_buf)
        .map_err(|e| fail(&e))?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2_into(&a, password.as_bytes(), salt_bytes, &mut out).map_err(|e| fail(&e))?;
    let output = argon2::password_hash::Output::new(&out).map_err(|e| fail(&e))?;
    let params = argon2::password_hash::ParamsString::try_from(a.params()).map_err(|e| fail(&e))?;
    Ok(PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    }
    .to_string())
}

/// Checks a password against a PHC string; false on mismatch or an unreadable hash.
pub fn verify_password(hash: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let a = Argon2::new(algorithm, version, params);
    if argon2_into(&a, password.as_bytes(), salt_bytes, &mut out).is_err() {
        return false;
    }
    // `Output`'s equality is constant-time.
    argon2::password_hash::Output::new(&out).is_ok_and(|o| o == expected)
}

pub async fn hash_password_blocking(password: String) -> Result<String, ServerError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| ServerError::Internal(format!("hashing task: {e}")))?
}

/// Why a password check through the [`HashPool`] did not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HashError {
    /// Every worker was busy for the whole queue deadline (or the queue was full): try again after
    /// `retry_after_secs`.
    Busy { retry_after_secs: u64 },
    /// The worker went away (it panicked or the pool is shutting down).
    Failed(String),
}

type Job = Box<dyn FnOnce() + Send + 'static>;

/// Bounded Argon2: a fixed set of worker threads (one per core) runs every hash and verification of a
/// request, so at most `workers` 19 MiB Argon2 blocks exist at once and the memory they used is reused by
/// the same few threads instead of spread over the blocking pool's arenas. A caller waits for a worker at
/// most `deadline`, and at most `max_queued` callers wait; beyond that the answer is [`HashError::Busy`]
/// (HTTP 503 with `Retry-After`). Dropping the pool ends its threads.
pub struct HashPool {
    permits: tokio::sync::Semaphore,
    jobs: std::sync::Mutex<Option<std::sync::mpsc::Sender<Job>>>,
    queued: std::sync::atomic::AtomicUsize,
    max_queued: usize,
    deadline: std::time::Duration,
}

impl std::fmt::Debug for HashPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HashPool")
            .field("max_queued", &self.max_queued)
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

impl HashPool {
    /// `workers` threads (at least 1), a queue of at most `max_queued` waiting callers, each waiting at
    /// most `deadline`.
    pub fn new(workers: usize, max_queued: usize, deadline: std::time::Duration) -> Self {
        let workers = workers.max(1);
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        for i in 0..workers {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || loop {
                    let job = match rx.lock() {
                        Ok(r) => r.recv(),
                        Err(poisoned) => poisoned.into_inner().recv(),
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => break,
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start an argon2 worker");
            }
        }
        Self {
            permits: tokio::sync::Semaphore::new(workers),
            jobs: std::sync::Mutex::new(Some(tx)),
            queued: std::sync::atomic::AtomicUsize::new(0),
            max_queued,
            deadline,
        }
    }

    /// One worker per core the process may use.
    pub fn per_core() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Self::new(cores, 64 * cores, std::time::Duration::from_secs(2))
    }

    fn busy(&self) -> HashError {
        HashError::Busy {
            retry_after_secs: self.deadline.as_secs().max(1),
        }
    }

    /// Runs `f` on a worker once one is free (waiting at most the deadline).
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        use std::sync::atomic::Ordering;
        let waiting = self.queued.fetch_add(1, Ordering::SeqCst);
        let permit = if waiting >= self.max_queued {
            None
        } else {
            tokio::time::timeout(self.deadline, self.permits.acquire())
                .await
                .ok()
                .and_then(Result::ok)
        };
        self.queued.fetch_sub(1, Ordering::SeqCst);
        let Some(_permit) = permit else {
            return Err(self.busy());
        };
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(f());
        });
        let sent = match self.jobs.lock() {
            Ok(g) => g.as_ref().map(|s| s.send(job).is_ok()),
            Err(p) => p.into_inner().as_ref().map(|s| s.send(job).is_ok()),
        };
        if sent != Some(true) {
            return Err(HashError::Failed("the argon2 workers are gone".to_string()));
        }
        rx.await
            .map_err(|_| HashError::Failed("an argon2 worker failed".to_string()))
    }

    /// Argon2id hash of a new password.
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        self.run(move || hash_password(&password))
            .await?
            .map_err(|e| HashError::Failed(e.to_string()))
    }

    /// Argon2id verification; false on mismatch or an unreadable hash.
    pub async fn verify(&self, hash: String, password: String) -> Result<bool, HashError> {
        self.run(move || verify_password(&hash, &password)).await
    }
}

impl Drop for HashPool {
    fn drop(&mut self) {
        // Closing the channel ends the workers after their current job.
        match self.jobs.lock() {
            Ok(mut g) => drop(g.take()),
            Err(p) => drop(p.into_inner().take()),
        }
    }
}

/// Alphabet of temporary passwords: letters and digits without the look-alikes 0 O 1 l I.
const TEMP_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
/// Length of a temporary password (57^20 ≈ 2^116).
pub const TEMP_PASSWORD_LEN: usize = 20;

/// A new temporary password: 20 characters from OsRng (rejection sampling, so uniform).
pub fn new_temp_password() -> String {
    let n = TEMP_ALPHABET.len();
    let limit = (256 / n * n) as u8;
    let mut out = String::with_capacity(TEMP_PASSWORD_LEN);
    let mut buf = [0u8; 48];
    while out.len() < TEMP_PASSWORD_LEN {
        OsRng.fill_bytes(&mut buf);
        for &b in &buf {
            if b < limit && out.len() < TEMP_PASSWORD_LEN {
                out.push(TEMP_ALPHABET[b as usize % n] as char);
            }
        }
    }
    out
}

/// How temporary passwords are stored: `s256$<16-byte salt hex>$<SHA-256(salt ‖ password) hex>`.
/// A fast hash on purpose: the secret is long and random (no dictionary to guess from), and 100,000-user
/// imports must not spend 100,000 Argon2 runs.
pub fn hash_temp_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    let mut h = Sha256::new();
    h.update(salt);
    h.update(password.as_bytes());
    format!("s256${}${}", hex::encode(salt), hex::encode(h.finalize()))
}

/// Checks a temporary password against its stored hash in constant time (for equal lengths).
pub fn verify_temp_password(stored: &str, password: &str) -> bool {
    let mut parts = stored.split('$');
    let (Some("s256"), Some(salt), Some(digest), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Ok(salt), Ok(digest)) = (hex::decode(salt), hex::decode(digest)) else {
        return false;
    };
    let mut h = Sha256::new();
    h.update(&salt);
    h.update(password.as_bytes());
    let actual = h.finalize();
    digest.len() == actual.len()
        && digest
            .iter()
            .zip(actual.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_hex() {
        let a = new_session_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, new_session_token());
        assert_eq!(hash_token(&a).len(), 64);
        let l = new_license_token();
        assert_eq!(l.len(), 40);
        assert!(kontor_api::validate::license_token("t", &l).is_ok());
    }

    #[test]
    fn temp_passwords_hash_with_salt_and_verify() {
        let p = new_temp_password();
        assert_eq!(p.len(), TEMP_PASSWORD_LEN);
        assert!(p.bytes().all(|b| TEMP_ALPHABET.contains(&b)));
        assert_ne!(p, new_temp_password());
        let h = hash_temp_password(&p);
        assert_ne!(h, hash_temp_password(&p), "per-user salt");
        assert!(verify_temp_password(&h, &p));
        assert!(!verify_temp_password(&h, &new_temp_password()));
        assert!(!verify_temp_password("s256$zz$zz", &p));
        assert!(!verify_temp_password("", &p));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_hash_pool_bounds_concurrency_and_answers_busy_after_the_deadline() {
        let pool =
            std::sync::Arc::new(HashPool::new(1, 100, std::time::Duration::from_millis(200)));
        let running = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let peak = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..6 {
            let (pool, running, peak) = (pool.clone(), running.clone(), peak.clone());
            tasks.push(tokio::spawn(async move {
                pool.run(move || {
                    use std::sync::atomic::Ordering;
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
                .await
            }));
        }
        let mut ok = 0;
        let mut busy = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(()) => ok += 1,
                Err(HashError::Busy { retry_after_secs }) => {
                    assert_eq!(retry_after_secs, 1);
                    busy += 1
                }
                Err(e) => panic!("{e:?}"),
            }
        }
        assert_eq!(peak.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert!(ok >= 2 && busy >= 2, "ok {ok}, busy {busy}");
        let full = HashPool::new(1, 0, std::time::Duration::from_secs(5));
        assert!(matches!(full.run(|| ()).await, Err(HashError::Busy { .. })));
        let h = pool.hash("secret".to_string()).await.unwrap();
        assert!(pool.verify(h, "secret".to_string()).await.unwrap());
    }

    #[test]
    fn passwords_verify() {
        let h = hash_password("secret").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password(&h, "secret"));
        assert!(!verify_password(&h, "Secret"));
        assert!(!verify_password("garbage", "secret"));
        // The PHC string is the argon2 crate's own: its verifier agrees, and ours reads its hashes.
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let parsed = PasswordHash::new(&h).unwrap();
        assert!(argon2()
            .unwrap()
            .verify_password(b"secret", &parsed)
            .is_ok());
        let theirs = argon2()
            .unwrap()
            .hash_password(b"other", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();
        assert!(verify_password(&theirs, "other"));
        assert!(!verify_password(&theirs, "Other"));
    }
}
