//! The import dialog: drop or pick a CSV/XLSX file, see every problem with row and column, commit the valid
//! rows in batches with a progress bar and cancel, and end on the confirmation screen. Rows the import
//! skipped are not forgotten: after the commit they are listed again and can be saved as CSV, before the
//! temporary passwords show.

use kontor_api::ipc::{
    ImportOutcome, ImportPreview, ImportProblem, ImportProgress, IMPORT_PROGRESS_EVENT,
};
use kontor_api::ErrorBody;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::{modal, on_file_drop, sentence};
use crate::context::Ctx;
use crate::errors::Problem;
use crate::i18n::Texts;
use crate::ipc;

/// A problem's column in the user's language: the field's label, with the file's own header beside it
/// when that says something else (`E-Mail (Mail)`); an unknown header as it is in the file.
fn column_label(t: &Texts, p: &ImportProblem) -> String {
    match p.field {
        Some(f) => {
            let label = t.import_field(f);
            if p.column.trim().eq_ignore_ascii_case(label) {
                label.to_string()
            } else {
                format!("{label} ({})", p.column.trim())
            }
        }
        None => p.column.clone(),
    }
}

/// A problem's reason in the user's language; the English text only for a reason this build does not know.
fn problem_text(t: &Texts, p: &ImportProblem) -> String {
    p.reason
        .as_ref()
        .and_then(|r| (t.lang().users_page().import_problem)(r))
        .unwrap_or_else(|| p.message.clone())
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Choose,
    Reading,
    Preview(ImportPreview),
    Committing,
    Stopped,
    /// Committed; the preview's skipped rows are listed until the user goes on to the passwords.
    Done(ImportOutcome, ImportPreview),
}

#[component]
pub fn ImportDialog(
    on_close: impl Fn() + Copy + Send + Sync + 'static,
    on_done: impl Fn(ImportOutcome) + Copy + Send + Sync + 'static,
    /// Start by resuming the interrupted import instead of choosing a file.
    resume: bool,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let step = RwSignal::new(Step::Choose);
    let error = RwSignal::new(None::<Problem>);
    let progress = RwSignal::new(ImportProgress { done: 0, total: 0 });
    let saved = RwSignal::new(None::<String>);
    // The preview being committed: its problems are the rows the import skips.
    let previewed = RwSignal::new(None::<ImportPreview>);
    let problems_saved = RwSignal::new(None::<String>);

    let show_err = move |e: ErrorBody| {
        error.set(Some(Problem::Failed(e)));
    };
    let preview = move |path: String| {
        if matches!(step.get_untracked(), Step::Committing | Step::Reading) {
            return;
        }
        error.set(None);
        step.set(Step::Reading);
        spawn_local(async move {
            match ctx.guard(ipc::import_preview(path).await) {
                Ok(p) => step.set(Step::Preview(p)),
                Err(e) => {
                    step.set(Step::Choose);
                    show_err(e);
                }
            }
        });
    };
    let commit = move || {
        if let Step::Preview(p) = step.get_untracked() {
            previewed.set(Some(p));
        }
        error.set(None);
        step.set(Step::Committing);
        spawn_local(async move {
            match ctx.guard(ipc::import_commit().await) {
                Ok(outcome) if outcome.cancelled => step.set(Step::Stopped),
                Ok(outcome) => match previewed.get_untracked().filter(|p| p.problems_total > 0) {
                    Some(p) => step.set(Step::Done(outcome, p)),
                    None => on_done(outcome),
                },
                Err(e) => {
                    step.set(Step::Stopped);
                    show_err(e);
                }
            }
        });
    };

    // A file dropped onto the window is read for the preview.
    on_file_drop(ctx, preview);
    let progress_listener = ipc::listen(IMPORT_PROGRESS_EVENT, move |p: ImportProgress| {
        progress.set(p)
    });
    let listener = StoredValue::new_local(Some(progress_listener));
    on_cleanup(move || {
        if let Some(l) = listener.try_update_value(|l| l.take()).flatten() {
            l.stop();
        }
    });
    if resume {
        commit();
    }

    let pick = move |_| {
        error.set(None);
        spawn_local(async move {
            match ctx.guard(ipc::import_pick().await) {
                Ok(Some(p)) => step.set(Step::Preview(p)),
                Ok(None) => {}
                Err(e) => show_err(e),
            }
        });
    };
    let template = move |_| {
        spawn_local(async move {
            match ipc::save_import_template().await {
                Ok(f) => saved.set(f.path),
                Err(e) => show_err(e),
            }
        });
    };
    // The saved list says column and reason in the user's language, as the table does.
    let save_problems = move |problems: Vec<kontor_api::ipc::ImportProblem>| {
        let t = ctx.t();
        let problems = problems
            .into_iter()
            .map(|mut p| {
                p.column = column_label(t, &p);
                p.message = problem_text(t, &p);
                p
            })
            .collect();
        spawn_local(async move {
            let name = ctx.lang.get().users_page().import_problems_file.to_string();
            match ipc::save_import_problems(problems, name).await {
                Ok(f) => problems_saved.set(f.path),
                Err(e) => show_err(e),
            }
        });
    };
    let reveal = move |path: Option<String>| {
        if let Some(path) = path {
            spawn_local(async move {
                if let Err(e) = ipc::show_in_folder(path).await {
                    show_err(e);
                }
            });
        }
    };
    let percent = move || {
        let p = progress.get();
        if p.total == 0 {
            0.0
        } else {
            p.done as f64 * 100.0 / p.total as f64
        }
    };

    let (modal_ref, modal_keys) = modal(move || {
        if step.get_untracked() != Step::Committing {
            on_close()
        }
    });
    view! {
        <div class="modal" role="dialog" aria-modal="true" aria-labelledby="import-title" id="import-dialog"
            node_ref=modal_ref on:keydown=modal_keys>
            <div class="card wide">
                <h2 id="import-title">{move || ctx.lang.get().users_page().import_title}</h2>
                {move || match step.get() {
                    Step::Choose => view! {
                        <div class="dropzone" id="import-dropzone">
                            <p>{ctx.lang.get().users_page().import_drop}</p>
                            <p class="muted small">{ctx.lang.get().users_page().import_formats}</p>
                            <div class="row">
                                <button id="import-choose" on:click=pick>{ctx.lang.get().users_page().import_choose}</button>
                                <button class="secondary" id="import-template" on:click=template>{ctx.lang.get().users_page().import_template}</button>
                            </div>
                            <Show when=move || saved.get().is_some()>
                                <p class="notice small" id="template-saved">{move || saved.get().map(|p| (ctx.lang.get().users_page().saved_to_path)(&p))}
                                    " "<button class="link" id="template-show" on:click=move |_| reveal(saved.get_untracked())>{ctx.t().show_in_folder}</button>
                                </p>
                            </Show>
                        </div>
                    }.into_any(),
                    Step::Reading => view! { <p class="muted" id="import-reading">{ctx.lang.get().users_page().import_reading}</p> }.into_any(),
                    Step::Preview(p) => {
                        let t = ctx.t();
                        let more = p.problems_total.saturating_sub(p.problems.len() as u64);
                        let can_commit = p.valid > 0;
                        let has_problems = !p.problems.is_empty();
                        view! {
                            <div id="import-preview">
                                <p class="muted small">{p.file_name.clone()}" · "{p.encoding.clone()}</p>
                                <div class="cards">
                                    <div class="card stat"><span class="label">{t.lang().users_page().import_rows}</span><span class="value" id="import-rows">{p.rows_found}</span></div>
                                    <div class="card stat"><span class="label">{t.lang().users_page().import_valid}</span><span class="value" id="import-valid">{p.valid}</span></div>
                                    <div class="card stat"><span class="label">{t.lang().users_page().import_problems}</span><span class="value" id="import-problem-count">{p.problems_total}</span></div>
                                </div>
                                <Show when=move || has_problems>
                                    <div class="problems" tabindex="0" role="region" aria-label=t.lang().users_page().import_problems>
                                        <table class="credentials" id="import-problems">
                                            <thead><tr><th>{t.lang().users_page().import_row}</th><th>{t.lang().users_page().import_column}</th><th>{t.lang().users_page().import_reason}</th></tr></thead>
                                            <tbody>
                                                {p.problems.iter().map(|pr| view! {
                                                    <tr data-row=pr.row data-code=pr.code.clone()><td>{pr.row}</td><td>{column_label(t, pr)}</td><td>{problem_text(t, pr)}</td></tr>
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                </Show>
                                <Show when=move || { more > 0 }>
                                    <p class="muted small">{t.lang().users_page().import_more_count.of(more)}</p>
                                </Show>
                                <div class="row">
                                    <Show when=move || can_commit fallback=move || view! { <p class="muted">{t.lang().users_page().import_nothing}</p> }>
                                        <button id="import-commit" on:click=move |_| commit()>{t.lang().users_page().import_commit_count.of(p.valid)}</button>
                                    </Show>
                                    <button class="secondary" on:click=move |_| step.set(Step::Choose)>{t.lang().users_page().import_choose}</button>
                                </div>
                            </div>
                        }.into_any()
                    }
                    Step::Committing => view! {
                        <div id="import-progress">
                            <p>{move || sentence(ctx.lang.get().users_page().import_progress, |name| match name {
                                "done" => view! { <span id="import-done">{move || progress.get().done}</span> }.into_any(),
                                "total" => view! { <span id="import-total">{move || progress.get().total}</span> }.into_any(),
                                _ => ().into_any(),
                            })}</p>
                            <progress max="100" value=percent></progress>
                            <button class="secondary" id="import-cancel" on:click=move |_| { spawn_local(async move { let _ = ipc::import_cancel().await; }); }>{ctx.t().cancel}</button>
                        </div>
                    }.into_any(),
                    Step::Done(outcome, p) => {
                        let t = ctx.t();
                        let created = outcome.created.len();
                        let for_save = p.problems.clone();
                        let outcome = StoredValue::new(outcome);
                        view! {
                            <div id="import-done">
                                <h3 id="import-done-title">{t.lang().users_page().import_done_title.of(created as u64)}</h3>
                                <p class="notice" id="import-skipped">{t.lang().users_page().import_skipped.of(p.problems_total)}</p>
                                <div class="problems">
                                    <table class="credentials" id="import-skipped-rows">
                                        <thead><tr><th>{t.lang().users_page().import_row}</th><th>{t.lang().users_page().import_column}</th><th>{t.lang().users_page().import_reason}</th></tr></thead>
                                        <tbody>
                                            {p.problems.iter().map(|pr| view! {
                                                <tr data-row=pr.row data-code=pr.code.clone()><td>{pr.row}</td><td>{column_label(t, pr)}</td><td>{problem_text(t, pr)}</td></tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                <Show when=move || problems_saved.get().is_some()>
                                    <p class="notice small" id="problems-saved">{move || problems_saved.get().map(|p| (t.lang().users_page().saved_to_path)(&p))}
                                        " "<button class="link" id="problems-show" on:click=move |_| reveal(problems_saved.get_untracked())>{t.show_in_folder}</button>
                                    </p>
                                </Show>
                                <div class="row">
                                    <button class="secondary" id="import-save-problems" on:click=move |_| save_problems(for_save.clone())>{t.lang().users_page().import_save_problems}</button>
                                    <button id="import-show-passwords" on:click=move |_| on_done(outcome.get_value())>{t.lang().users_page().import_show_passwords}</button>
                                </div>
                            </div>
                        }.into_any()
                    }
                    Step::Stopped => view! {
                        <div id="import-stopped">
                            <p class="notice">{ctx.lang.get().users_page().import_cancelled}</p>
                            <button id="import-resume" on:click=move |_| commit()>{ctx.lang.get().users_page().import_resume}</button>
                        </div>
                    }.into_any(),
                }}
                <Show when=move || error.get().is_some()>
                    <p class="error pre" role="alert" id="import-error">{move || error.with(|e| e.as_ref().map(|p| p.show(ctx.t())))}</p>
                </Show>
                <div class="row actions">
                    <button class="secondary" id="import-close" disabled=move || step.get() == Step::Committing
                        on:click=move |_| match step.get_untracked() {
                            // The passwords of the imported users must still be shown.
                            Step::Done(outcome, _) => on_done(outcome),
                            _ => on_close(),
                        }>{move || ctx.t().close}</button>
                </div>
            </div>
        </div>
    }
}
