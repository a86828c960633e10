//! Tidy: the discipline the code keeps, checked on every test run (after rust-analyzer's `tidy`).
//!
//! It reads the repository as text: every Rust file says what it is for in a `//!` line; no `unwrap`,
//! `todo!`, `dbg!` or `unimplemented!` outside tests; `kontor-api` depends only on what ARCHITECTURE.md allows;
//! within the server, the shell and the UI, imports point one way (no module reaches back up into the crate
//! root, no cycle between a crate's top-level modules) and only the server's router knows `handlers`; and
//! ARCHITECTURE.md's code map names every crate, every top-level module and every storage trait; and
//! the start-up trace patches in `bench/` (the instrumentation `bench/breakdown.sh` needs) still apply.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// Folders that hold no source of ours: build output, generated files, the fuzzer's own workspace output.
fn skipped_dir(name: &str) -> bool {
    name.starts_with("target")
        || matches!(
            name,
            ".git" | "gen" | "dist" | "node_modules" | "corpus" | "artifacts"
        )
        || name.starts_with("dist.tmp")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !skipped_dir(&name) {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

fn all_rust_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    rust_files(&root(), &mut out);
    assert!(
        out.len() > 50,
        "tidy found only {} Rust files under {}",
        out.len(),
        root().display()
    );
    out
}

fn rel(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Panics with every finding, one a line, when there are any.
fn check(what: &str, findings: Vec<String>) {
    if !findings.is_empty() {
        let mut msg = format!("tidy: {what} ({} findings):\n", findings.len());
        for f in &findings {
            let _ = writeln!(msg, "  {f}");
        }
        panic!("{msg}");
    }
}

#[test]
fn every_rust_file_says_what_it_is_for() {
    let findings = all_rust_files()
        .into_iter()
        .filter(|p| !read(p).trim_start_matches('\u{feff}').starts_with("//!"))
        .map(|p| {
            format!(
                "{}: does not start with a `//!` line saying what it is for",
                rel(&p)
            )
        })
        .collect();
    check("files without a `//!` first line", findings);
}

/// Test code: integration tests, benches, fuzz targets and `*_tests.rs` modules.
fn is_test_file(rel: &str) -> bool {
    rel.starts_with("tests/")
        || rel.contains("/tests/")
        || rel.contains("/benches/")
        || rel.contains("/fuzz/")
        || rel.starts_with("bench/")
        || rel.ends_with("_tests.rs")
}

/// The lines of a file before its `#[cfg(test)] mod …`, with their numbers, comments left out.
fn production_lines(text: &str) -> Vec<(usize, &str)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i].trim();
        if t == "#[cfg(test)]" {
            let next = lines[i + 1..]
                .iter()
                .map(|l| l.trim())
                .find(|l| !l.starts_with("#["));
            if next.is_some_and(|n| n.starts_with("mod ") || n.starts_with("pub mod ")) {
                break;
            }
        }
        if !t.starts_with("//") {
            out.push((i + 1, lines[i]));
        }
        i += 1;
    }
    out
}

#[test]
fn no_unwrap_todo_or_dbg_outside_tests() {
    const BANNED: [&str; 4] = [".unwrap()", "todo!(", "dbg!(", "unimplemented!("];
    let mut findings = Vec::new();
    for path in all_rust_files() {
        let rel = rel(&path);
        if is_test_file(&rel) {
            continue;
        }
        let text = read(&path);
        for (n, line) in production_lines(&text) {
            for b in BANNED {
                if line.contains(b) {
                    findings.push(format!("{rel}:{n}: `{b}` outside tests: {}", line.trim()));
                }
            }
        }
    }
    check(
        "`unwrap`/`todo!`/`dbg!` outside tests (use `?` or `.expect(\"why it cannot fail\")`)",
        findings,
    );
}

/// The dependency names of a `[dependencies]`-like section of a Cargo manifest (dotted keys included).
fn manifest_dependencies(manifest: &str, section: &str) -> BTreeSet<String> {
    let mut deps = BTreeSet::new();
    let mut inside = false;
    for line in manifest.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            inside = t == format!("[{section}]");
            continue;
        }
        if inside && !t.is_empty() && !t.starts_with('#') {
            if let Some((key, _)) = t.split_once('=') {
                let name = key
                    .trim()
                    .split('.')
                    .next()
                    .unwrap_or_default()
                    .trim_matches('"');
                deps.insert(name.to_string());
            }
        }
    }
    deps
}

/// The backticked words of the line in ARCHITECTURE.md's `kontor-api` section that starts the allow list.
fn allowed_api_dependencies(architecture: &str) -> BTreeSet<String> {
    let section = architecture
        .split("### `crates/kontor-api`")
        .nth(1)
        .expect("ARCHITECTURE.md has a `crates/kontor-api` section")
        .split("\n### ")
        .next()
        .unwrap_or_default();
    let list = section
        .split_once("Allowed dependencies:")
        .expect("the kontor-api section of ARCHITECTURE.md has an `Allowed dependencies:` list")
        .1;
    // The list ends at the first `;` or the end of the paragraph.
    let list = list
        .split([';'])
        .next()
        .unwrap_or_default()
        .split("\n\n")
        .next()
        .unwrap_or_default();
    list.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn api_crate_depends_only_on_what_architecture_allows() {
    let root = root();
    let manifest = read(&root.join("crates/kontor-api/Cargo.toml"));
    let allowed = allowed_api_dependencies(&read(&root.join("ARCHITECTURE.md")));
    assert!(
        allowed.contains("serde"),
        "the allow list was not read: {allowed:?}"
    );
    let deps = manifest_dependencies(&manifest, "dependencies");
    assert!(
        deps.contains("serde"),
        "the manifest's dependencies were not read: {deps:?}"
    );
    let findings = deps
        .difference(&allowed)
        .map(|d| format!("crates/kontor-api/Cargo.toml: `{d}` is not in ARCHITECTURE.md's allow list {allowed:?}"))
        .collect();
    check("kontor-api dependencies", findings);
}

/// The `mod name;` declarations (not inline modules) of a file.
fn declared_modules(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        // A trailing comment (`pub mod jobs; // replica12`) does not hide the declaration.
        let t = line.split("//").next().unwrap_or_default().trim();
        let t = t
            .strip_prefix("pub(crate) ")
            .or_else(|| t.strip_prefix("pub "))
            .unwrap_or(t);
        if let Some(rest) = t.strip_prefix("mod ") {
            if let Some(name) = rest.strip_suffix(';') {
                out.push(name.trim().to_string());
            }
        }
    }
    out
}

/// Every file of a crate reachable from its root by `mod` declarations, with its top-level module
/// (`None` for the root itself).
fn crate_files(root_file: &Path) -> Vec<(PathBuf, Option<String>)> {
    let mut out = vec![(root_file.to_path_buf(), None)];
    let mut i = 0;
    while i < out.len() {
        let (file, top) = out[i].clone();
        let text = read(&file);
        let is_dir_owner = file == root_file || file.file_name().is_some_and(|n| n == "mod.rs");
        let dir = if is_dir_owner {
            file.parent().expect("a file has a folder").to_path_buf()
        } else {
            file.with_extension("")
        };
        // Test modules (`ipc_tests`, `tests`) may reach anywhere.
        for name in declared_modules(&text)
            .into_iter()
            .filter(|m| !m.ends_with("tests"))
        {
            let flat = dir.join(format!("{name}.rs"));
            let nested = dir.join(&name).join("mod.rs");
            let child = if flat.exists() { flat } else { nested };
            assert!(child.exists(), "{}: `mod {name};` has no file", rel(&file));
            out.push((child, Some(top.clone().unwrap_or_else(|| name.clone()))));
        }
        i += 1;
    }
    out
}

/// The first path segment after each `crate::` of a text (`use crate::{a, b::c}` gives `a` and `b`).
fn crate_references(text: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for (pos, _) in text.match_indices("crate::") {
        let before = text[..pos].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue; // `kontor_server::crate_…` or `$crate::`
        }
        let rest = &text[pos + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0usize;
            let mut start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        out.push(ident(&group[start..i]));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        out.push(ident(&group[start..i]));
                        start = i + 1;
                    }
                    _ => {}
                }
            }
        } else {
            out.push(ident(rest));
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// Code outside `#[cfg(test)] mod …` (tests may reach anywhere).
fn production_text(text: &str) -> String {
    production_lines(text)
        .into_iter()
        .map(|(_, l)| format!("{l}\n"))
        .collect()
}

/// Imports point one way within a crate: no module reaches back up into the crate root (`crate::Item` where
/// `Item` is not a module), and the top-level modules' references form no cycle.
fn one_way_findings(crate_root: &str) -> Vec<String> {
    let root_file = root().join(crate_root);
    let files = crate_files(&root_file);
    let modules: BTreeSet<String> = files.iter().filter_map(|(_, t)| t.clone()).collect();
    let mut edges: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut findings = Vec::new();
    for (file, top) in &files {
        let Some(top) = top else { continue };
        for target in crate_references(&production_text(&read(file))) {
            if !modules.contains(&target) {
                findings.push(format!(
                    "{}: `crate::{target}` reaches back up into the crate root ({crate_root}); import it from \
                     the module that owns it",
                    rel(file)
                ));
            } else if &target != top {
                edges
                    .entry(top.clone())
                    .or_default()
                    .entry(target)
                    .or_insert_with(|| rel(file));
            }
        }
    }
    // Every cycle shows as a back edge of a depth-first search.
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeMap<String, String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        findings: &mut Vec<String>,
    ) {
        stack.push(node.to_string());
        for (next, via) in edges.get(node).into_iter().flatten() {
            if let Some(at) = stack.iter().position(|s| s == next) {
                let cycle = stack[at..].join(" → ");
                findings.push(format!(
                    "import cycle {cycle} → {next} (the last step in {via})"
                ));
            } else if !done.contains(next) {
                visit(next, edges, stack, done, findings);
            }
        }
        stack.pop();
        done.insert(node.to_string());
    }
    let mut done = BTreeSet::new();
    for m in &modules {
        if !done.contains(m) {
            visit(m, &edges, &mut Vec::new(), &mut done, &mut findings);
        }
    }
    findings
}

#[test]
fn imports_point_one_way_in_the_server_the_shell_and_the_ui() {
    let mut findings = Vec::new();
    for root in [
        "crates/kontor-server/src/lib.rs",
        "src-tauri/lib.rs",
        "src-ui/src/lib.rs",
    ] {
        findings.extend(one_way_findings(root));
    }
    check("imports that point back up", findings);
}

#[test]
fn only_the_router_knows_the_server_handlers() {
    let src = root().join("crates/kontor-server/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let findings = files
        .into_iter()
        .filter(|p| {
            let r = rel(p);
            // The router (`router.rs` or `router/`, with the OpenAPI document listing the handlers' paths).
            !r.contains("/src/handlers/")
                && !r.ends_with("/src/lib.rs")
                && !r.ends_with("/src/router.rs")
                && !r.contains("/src/router/")
        })
        .filter(|p| {
            let text = production_text(&read(p));
            text.contains("crate::handlers")
                || text
                    .lines()
                    .any(|l| l.trim_start().starts_with("use handlers"))
        })
        .map(|p| {
            format!(
                "{}: imports `handlers` (only the router may; put shared rules in a service)",
                rel(&p)
            )
        })
        .collect();
    check("server modules importing the HTTP handlers", findings);
}

#[test]
fn architecture_code_map_names_every_crate_module_and_store() {
    let root = root();
    let architecture = read(&root.join("ARCHITECTURE.md"));
    let mut findings = Vec::new();
    let mut crates: Vec<_> = fs::read_dir(root.join("crates"))
        .expect("crates/")
        .filter_map(Result::ok)
        .filter(|e| e.path().join("Cargo.toml").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    crates.sort();
    for c in crates {
        if !architecture.contains(&format!("### `crates/{c}`")) {
            findings.push(format!("ARCHITECTURE.md has no `### `crates/{c}`` section"));
        }
    }
    for crate_root in [
        "crates/kontor-server/src/lib.rs",
        "src-tauri/lib.rs",
        "src-ui/src/lib.rs",
    ] {
        let modules: BTreeSet<String> = declared_modules(&read(&root.join(crate_root)))
            .into_iter()
            .filter(|m| !m.ends_with("tests"))
            .collect();
        for m in modules {
            if !architecture.contains(&format!("`{m}")) {
                findings.push(format!(
                    "ARCHITECTURE.md does not name the module `{m}` of {crate_root}"
                ));
            }
        }
    }
    let mut db_files = Vec::new();
    rust_files(&root.join("crates/kontor-server/src/db"), &mut db_files);
    for f in db_files {
        for line in read(&f).lines() {
            if let Some(rest) = line.trim().strip_prefix("pub trait ") {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !architecture.contains(&format!("`{name}`")) {
                    findings.push(format!(
                        "ARCHITECTURE.md does not name the storage trait `{name}` ({})",
                        rel(&f)
                    ));
                }
            }
        }
    }
    check("ARCHITECTURE.md's code map", findings);
}

/// The checks above must be able to fail: each helper finds what it is meant to find in a known sample.
#[test]
fn the_checks_find_what_they_look_for() {
    assert_eq!(
        crate_references("use crate::{a, b::{c, d}, e};\nlet x = crate::f::g();"),
        ["a", "b", "e", "f"]
    );
    assert_eq!(
        crate_references("$crate::x; my_crate::y"),
        Vec::<String>::new()
    );
    let code = "fn f() { x.unwrap(); }\n// y.unwrap()\n#[cfg(test)]\nmod tests { fn t() { z.unwrap(); } }\n";
    let lines = production_lines(code);
    assert_eq!(lines.len(), 1);
    assert!(lines[0].1.contains("x.unwrap()"));
    let manifest = "[dependencies]\nserde = { workspace = true }\nurl.workspace = true\n[dev-dependencies]\nx = \"1\"\n";
    assert_eq!(
        manifest_dependencies(manifest, "dependencies"),
        BTreeSet::from(["serde".into(), "url".into()])
    );
    assert_eq!(
        declared_modules("pub mod a;\nmod b;\nmod tests {\npub(crate) mod c;"),
        ["a", "b", "c"]
    );
}

/// `bench/startup-trace.patch` instruments the start-up path for `bench/breakdown.sh` (and
/// `bench/hello-trace.patch` the baseline app the same way). A change to that path that moves a patch's context
/// updates the patch in the same commit; otherwise the next engineer measuring start-up first has to remake it
/// (session 10 did).
#[test]
fn the_startup_trace_patches_still_apply() {
    let mut findings = Vec::new();
    for patch in ["bench/startup-trace.patch", "bench/hello-trace.patch"] {
        let out = std::process::Command::new("git")
            .args(["apply", "--check", patch])
            .current_dir(root())
            .output()
            .unwrap_or_else(|e| panic!("tidy: run `git apply --check`: {e}"));
        if !out.status.success() {
            findings.extend(
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .map(|l| format!("{patch}: {l}")),
            );
        }
    }
    check(
        "a start-up trace patch no longer applies; re-make it (see its header)",
        findings,
    );
}
