//! support9: Help and support (every role). The vendor's help links (opened in the system browser by the
//! shell), the support form (topic, subject, message, call-back phone, attachments chosen with the open
//! dialog or dropped on the window, opt-in diagnostics) with each problem at its field, and the user's own
//! requests with their status. Texts: `HelpTexts` (`Lang::help`), so they travel in this page's chunk.
//! support9b: several dropped (or chosen) files are added as far as the limits allow, the rest named at the
//! field ([`merge_files`]); each attachment of a listed request can be saved through the save dialog.

use kontor_api::ipc::{SupportAttachmentRequest, SupportDraft, SupportFile};
use kontor_api::support::{check_attachments, check_ticket, AttachmentProblem};
use kontor_api::{ErrorBody, ErrorDetail, FieldProblem, HelpLinks, SupportCategory, TicketStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::{on_files_drop, LoadFailed, Loading, Toasts};
use crate::context::Ctx;
use crate::errors::{describe, Shown};
use crate::i18n::{HelpTexts, Texts, DE, HELP_DE, HELP_EN};
use crate::ipc;

/// The Help texts in the language `t` is in.
fn help_of(t: &Texts) -> &'static HelpTexts {
    if std::ptr::eq(t, &DE) {
        &HELP_DE
    } else {
        &HELP_EN
    }
}

/// The form's problems, each at its field: kept as data, put into words when shown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FormErrors {
    pub subject: Option<FieldProblem>,
    pub message: Option<FieldProblem>,
    pub phone: Option<FieldProblem>,
    pub attachments: Option<(Option<String>, AttachmentProblem)>,
    /// support9b: files of the last drop or choice that were not added, each with why.
    pub not_added: Vec<(String, AttachmentProblem)>,
    /// Anything that is not about one field (the portal unreachable, …).
    pub other: Option<ErrorBody>,
}

impl FormErrors {
    pub fn any(&self) -> bool {
        *self != FormErrors::default()
    }
}

/// The checks before sending: the portal's rules for the fields and the attachments' names, count and
/// total size.
pub fn check_form(subject: &str, message: &str, phone: &str, files: &[SupportFile]) -> FormErrors {
    let mut out = FormErrors::default();
    for e in check_ticket(subject, message, Some(phone)) {
        match e.field {
            "subject" => out.subject = Some(e.reason),
            "message" => out.message = Some(e.reason),
            _ => out.phone = Some(e.reason),
        }
    }
    out.attachments = check_attachments(files.iter().map(|f| (f.file_name.as_str(), f.size)));
    out
}

/// support9b: adds `more` to `files` in order, each only if all attachments then still keep the limits
/// (allowed type, not empty, at most 5, 10 MB together; a file already listed is skipped). Returns the
/// files that were not added, each with why (a file the shell refused arrives as `Err`).
pub fn merge_files(
    files: &mut Vec<SupportFile>,
    more: Vec<Result<SupportFile, (String, AttachmentProblem)>>,
) -> Vec<(String, AttachmentProblem)> {
    let mut refused = Vec::new();
    for m in more {
        match m {
            Err(r) => refused.push(r),
            Ok(f) if files.iter().any(|x| x.path == f.path) => {}
            Ok(f) => {
                let problem = check_attachments(
                    files
                        .iter()
                        .chain(std::iter::once(&f))
                        .map(|x| (x.file_name.as_str(), x.size)),
                );
                match problem {
                    None => files.push(f),
                    Some((_, p)) => refused.push((f.file_name, p)),
                }
            }
        }
    }
    refused
}

/// support9b: the files not added, as sentences: one per problem, naming its files.
pub fn not_added_text(h: &HelpTexts, refused: &[(String, AttachmentProblem)]) -> String {
    let mut groups: Vec<(&AttachmentProblem, Vec<&str>)> = Vec::new();
    for (name, p) in refused {
        match groups.iter_mut().find(|(q, _)| *q == p) {
            Some((_, names)) => names.push(name),
            None => groups.push((p, vec![name])),
        }
    }
    groups
        .into_iter()
        .map(|(p, names)| (h.attachment_problem)(Some(&names.join(", ")), p))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A refusal of the shell or the portal placed at its field (or kept as a general problem).
pub fn place(e: ErrorBody) -> FormErrors {
    let mut out = FormErrors::default();
    match &e.detail {
        Some(ErrorDetail::Field { field, problem, .. }) if field == "subject" => {
            out.subject = Some(*problem)
        }
        Some(ErrorDetail::Field { field, problem, .. }) if field == "message" => {
            out.message = Some(*problem)
        }
        Some(ErrorDetail::Field { field, problem, .. }) if field == "contact_phone" => {
            out.phone = Some(*problem)
        }
        Some(ErrorDetail::Attachments { file_name, problem }) => {
            out.attachments = Some((file_name.clone(), problem.clone()))
        }
        _ => out.other = Some(e),
    }
    out
}

/// A help link's label.
type Label = fn(&HelpTexts) -> &'static str;

/// The vendor's links as (id, label, URL), in page order.
fn link_rows(links: &HelpLinks) -> Vec<(&'static str, Label, String)> {
    let rows: [(&'static str, Label, &Option<String>); 4] = [
        (
            "help-link-documentation",
            |h| h.link_documentation,
            &links.documentation,
        ),
        (
            "help-link-knowledge-base",
            |h| h.link_knowledge_base,
            &links.knowledge_base,
        ),
        (
            "help-link-status",
            |h| h.link_status_page,
            &links.status_page,
        ),
        (
            "help-link-release-notes",
            |h| h.link_release_notes,
            &links.release_notes,
        ),
    ];
    rows.into_iter()
        .filter_map(|(id, label, url)| url.clone().map(|u| (id, label, u)))
        .collect()
}

/// A Unix time as local date and time in the UI's language.
fn local_time(lang: &str, unix: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix as f64 * 1000.0));
    String::from(d.to_locale_string(lang, &wasm_bindgen::JsValue::UNDEFINED))
}

#[component]
fn HelpLinksCard() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let toasts = expect_context::<Toasts>();
    let h = move || ctx.lang.get().help();
    let links = LocalResource::new(move || async move {
        ctx.guard(ipc::help_links().await)
            .map_err(|e| Shown::new(ctx.t(), &e))
    });
    let open = move |url: String| {
        spawn_local(async move {
            if let Err(e) = ctx.guard(ipc::open_help_link(url).await) {
                toasts.trouble(move |t| describe(t, &e));
            }
        });
    };
    view! {
        <div class="card" id="help-links-card">
            <h2>{move || h().links_title}</h2>
            <Transition fallback=Loading>
                <ErrorBoundary fallback=move |errors| view! { <LoadFailed errors on_retry=move || links.refetch() /> }>
                    {move || Suspend::new(async move {
                        links.await.map(|l| {
                            let rows = link_rows(&l);
                            if rows.is_empty() {
                                return view! { <p class="muted" id="help-no-links">{move || h().no_links}</p> }.into_any();
                            }
                            view! {
                                <ul class="help-links" id="help-links">
                                    {rows.into_iter().map(|(id, label, url)| {
                                        let u = url.clone();
                                        view! {
                                            <li>
                                                <button type="button" class="link" id=id title=url.clone()
                                                    on:click=move |_| open(u.clone())>
                                                    {move || label(h())}" ↗"
                                                </button>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        })
                    })}
                </ErrorBoundary>
            </Transition>
        </div>
    }
}

#[component]
fn SupportForm(on_sent: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let toasts = expect_context::<Toasts>();
    let h = move || ctx.lang.get().help();
    let category = RwSignal::new(SupportCategory::Question);
    let subject = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let files = RwSignal::new(Vec::<SupportFile>::new());
    let diagnostics = RwSignal::new(false);
    let errors = RwSignal::new(FormErrors::default());
    let busy = RwSignal::new(false);

    // A field's problem goes when the user changes that field.
    Effect::new(move |first: Option<()>| {
        subject.track();
        if first.is_some() {
            errors.update(|e| e.subject = None);
        }
    });
    Effect::new(move |first: Option<()>| {
        message.track();
        if first.is_some() {
            errors.update(|e| e.message = None);
        }
    });
    Effect::new(move |first: Option<()>| {
        phone.track();
        if first.is_some() {
            errors.update(|e| e.phone = None);
        }
    });
    // support9b: every file of a drop or a choice is added as far as the limits allow; the rest is named.
    let add = move |more: Vec<Result<SupportFile, (String, AttachmentProblem)>>| {
        let mut refused = Vec::new();
        files.update(|f| refused = merge_files(f, more));
        errors.update(|e| {
            e.attachments = None;
            e.not_added = refused;
        });
    };
    let added = move |r: Result<Vec<SupportFile>, ErrorBody>| match ctx.guard(r) {
        Ok(more) => add(more.into_iter().map(Ok).collect()),
        Err(e) => errors.update(|x| {
            let placed = place(e);
            x.attachments = placed.attachments;
            x.other = placed.other;
        }),
    };
    on_files_drop(ctx, move |paths| {
        spawn_local(async move {
            // One by one, so that one unfit file does not keep the others out.
            let mut more = Vec::with_capacity(paths.len());
            for path in paths {
                match ctx.guard(ipc::support_file_info(vec![path.clone()]).await) {
                    Ok(infos) => more.extend(infos.into_iter().map(Ok)),
                    Err(e) => match place(e) {
                        FormErrors {
                            attachments: Some((name, problem)),
                            ..
                        } => {
                            let shown = name.unwrap_or_else(|| {
                                path.rsplit(['/', '\\']).next().unwrap_or(&path).to_string()
                            });
                            more.push(Err((shown, problem)));
                        }
                        placed => {
                            return errors.update(|x| x.other = placed.other);
                        }
                    },
                }
            }
            add(more);
        });
    });
    let pick = move |_| {
        spawn_local(async move { added(ipc::support_pick_files().await) });
    };
    let remove = move |path: String| {
        files.update(|f| f.retain(|x| x.path != path));
        let now = files.with_untracked(|f| {
            check_attachments(f.iter().map(|x| (x.file_name.as_str(), x.size)))
        });
        errors.update(|e| {
            e.attachments = now;
            e.not_added.clear();
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let checked = files.with_untracked(|f| {
            check_form(
                &subject.get_untracked(),
                &message.get_untracked(),
                &phone.get_untracked(),
                f,
            )
        });
        if checked.any() {
            return errors.set(checked);
        }
        errors.set(FormErrors::default());
        busy.set(true);
        let draft = SupportDraft {
            category: category.get_untracked(),
            subject: subject.get_untracked(),
            message: message.get_untracked(),
            contact_phone: Some(phone.get_untracked()).filter(|p| !p.trim().is_empty()),
            files: files.with_untracked(|f| f.iter().map(|x| x.path.clone()).collect()),
            diagnostics: diagnostics.get_untracked(),
        };
        spawn_local(async move {
            let r = ctx.guard(ipc::create_support_ticket(draft).await);
            busy.set(false);
            match r {
                Ok(t) => {
                    let reference = t.reference;
                    toasts.success(move |t| help_of(t).sent.fill(&[("reference", &reference)]));
                    subject.set(String::new());
                    message.set(String::new());
                    files.set(Vec::new());
                    diagnostics.set(false);
                    errors.set(FormErrors::default());
                    on_sent();
                }
                Err(e) => errors.set(place(e)),
            }
        });
    };
    let field_error = move |id: &'static str,
                            get: fn(&FormErrors) -> Option<FieldProblem>,
                            label: fn(&HelpTexts) -> &'static str| {
        view! {
            <Show when=move || errors.with(|e| get(e).is_some())>
                <p class="error field-error" id=id>
                    {move || errors.with(|e| get(e).map(|p| (ctx.t().field_problem)(label(h()), p)))}
                </p>
            </Show>
        }
    };
    let invalid = move |get: fn(&FormErrors) -> bool| move || errors.with(get).to_string();
    view! {
        <form class="card" id="support-form" on:submit=submit novalidate>
            <h2>{move || h().form_title}</h2>
            <p class="muted small">{move || h().form_intro}</p>
            <label for="support-category">{move || h().category}</label>
            <select id="support-category"
                on:change=move |ev| category.set(SupportCategory::parse(&event_target_value(&ev)).unwrap_or(SupportCategory::Question))>
                {SupportCategory::ALL.into_iter().map(|c| view! {
                    <option value=c.as_str() selected=move || category.get() == c>{move || (h().category_name)(c)}</option>
                }).collect_view()}
            </select>
            <label for="support-subject">{move || h().subject}</label>
            <input id="support-subject" type="text" maxlength="200" bind:value=subject
                aria-invalid=invalid(|e| e.subject.is_some())
                aria-describedby=move || errors.with(|e| e.subject.is_some()).then_some("support-subject-error") />
            {field_error("support-subject-error", |e| e.subject, |h| h.subject)}
            <label for="support-message">{move || h().message}</label>
            <textarea id="support-message" rows="7" bind:value=message
                aria-invalid=invalid(|e| e.message.is_some())
                aria-describedby=move || errors.with(|e| e.message.is_some()).then_some("support-message-error")></textarea>
            {field_error("support-message-error", |e| e.message, |h| h.message)}
            <label for="support-phone">{move || h().phone}" "<span class="muted">{move || h().optional}</span></label>
            <input id="support-phone" type="tel" autocomplete="tel" maxlength="40" bind:value=phone
                aria-invalid=invalid(|e| e.phone.is_some())
                aria-describedby=move || errors.with(|e| e.phone.is_some()).then_some("support-phone-error") />
            {field_error("support-phone-error", |e| e.phone, |h| h.phone)}
            <label id="support-files-label">{move || h().attachments}" "<span class="muted">{move || h().optional}</span></label>
            <p class="muted small" id="support-files-help">{move || h().attachments_help}</p>
            <ul class="file-list" id="support-files" aria-labelledby="support-files-label">
                <For each=move || files.get() key=|f| f.path.clone() let:f>
                    {
                        let path = f.path.clone();
                        view! {
                            <li>
                                <span class="mono file-name">{breakable(&f.file_name)}</span>" "
                                <span class="muted small">{move || (h().size)(f.size)}</span>" "
                                <button type="button" class="link" on:click=move |_| remove(path.clone())>{move || h().remove_file}</button>
                            </li>
                        }
                    }
                </For>
            </ul>
            <div class="row">
                <button type="button" class="secondary" id="support-add-files" on:click=pick
                    aria-invalid=invalid(|e| e.attachments.is_some() || !e.not_added.is_empty())
                    aria-describedby=move || if errors.with(|e| e.attachments.is_some() || !e.not_added.is_empty()) { "support-files-help support-files-error" } else { "support-files-help" }>
                    {move || h().add_files}
                </button>
            </div>
            <Show when=move || errors.with(|e| e.attachments.is_some() || !e.not_added.is_empty())>
                <p class="error field-error" id="support-files-error" role="alert">
                    {move || errors.with(|e| {
                        let mut parts: Vec<String> = e.attachments.iter().map(|(f, p)| (h().attachment_problem)(f.as_deref(), p)).collect();
                        if !e.not_added.is_empty() {
                            parts.push(not_added_text(h(), &e.not_added));
                        }
                        parts.join(" ")
                    })}
                </p>
            </Show>
            <label class="check">
                <input id="support-diagnostics" type="checkbox" bind:checked=diagnostics aria-describedby="support-diagnostics-help" />
                {move || h().diagnostics}
            </label>
            <p class="muted small" id="support-diagnostics-help">{move || h().diagnostics_help}</p>
            <Show when=move || errors.with(|e| e.other.is_some())>
                <p class="error" role="alert" id="support-error">{move || errors.with(|e| e.other.as_ref().map(|b| describe(ctx.t(), b)))}</p>
            </Show>
            <div class="row actions">
                <button type="submit" id="support-send" disabled=move || busy.get()>{move || h().send}</button>
            </div>
        </form>
    }
}

/// support9b: a file name that may wrap only after a `-` or `_` (as on the Downloads page).
fn breakable(name: &str) -> impl IntoView {
    name.split_inclusive(['-', '_'])
        .map(|p| view! { {p.to_string()}<wbr /> })
        .collect_view()
}

/// support9b: a request's attachments (name, size), each with a button that saves it through the save
/// dialog.
#[component]
fn TicketFiles(ticket_id: String, files: Vec<kontor_api::AttachmentInfo>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let toasts = expect_context::<Toasts>();
    let h = move || ctx.lang.get().help();
    let busy = RwSignal::new(false);
    let save = move |req: SupportAttachmentRequest| {
        busy.set(true);
        spawn_local(async move {
            let r = ctx.guard(ipc::save_support_attachment(req).await);
            busy.set(false);
            match r {
                Ok(s) => {
                    if let Some(p) = s.path {
                        toasts.success(move |t| (help_of(t).saved_to)(&p));
                    }
                }
                Err(e) => toasts.trouble(move |t| describe(t, &e)),
            }
        });
    };
    view! {
        <ul class="file-list ticket-files">
            {files.into_iter().enumerate().map(|(i, a)| {
                let req = SupportAttachmentRequest {
                    ticket_id: ticket_id.clone(),
                    index: i as u32,
                    file_name: a.file_name.clone(),
                };
                let name = a.file_name.clone();
                view! {
                    <li data-file=a.file_name.clone()>
                        <span class="mono file-name">{breakable(&a.file_name)}</span>" "
                        <span class="muted small">{move || (h().size)(a.size)}</span>" "
                        <button type="button" class="link save-attachment" disabled=move || busy.get()
                            aria-label=move || (h().save_file_label)(&name)
                            on:click=move |_| save(req.clone())>
                            {move || h().save_file}
                        </button>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[component]
pub fn HelpPage() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let h = move || ctx.lang.get().help();
    let tickets = LocalResource::new(move || async move {
        ctx.guard(ipc::support_tickets().await)
            .map_err(|e| Shown::new(ctx.t(), &e))
    });
    view! {
        <section class="page" id="help-page">
            <h1>{move || h().title}</h1>
            <HelpLinksCard />
            <SupportForm on_sent=move || tickets.refetch() />
            <div class="card" id="tickets-card">
                <h2>{move || h().tickets_title}</h2>
                <Transition fallback=Loading>
                    <ErrorBoundary fallback=move |errors| view! { <LoadFailed errors on_retry=move || tickets.refetch() /> }>
                        {move || Suspend::new(async move {
                            tickets.await.map(|list| {
                                if list.tickets.is_empty() {
                                    return view! { <p class="muted" id="no-tickets">{move || h().no_tickets}</p> }.into_any();
                                }
                                let lang = ctx.lang.get().code();
                                view! {
                                    <table id="tickets">
                                        <thead><tr>
                                            <th>{move || h().col_reference}</th>
                                            <th>{move || h().subject}</th>
                                            <th>{move || h().col_created}</th>
                                            <th>{move || h().col_status}</th>
                                            <th>{move || h().col_files}</th>
                                        </tr></thead>
                                        <tbody>
                                            {list.tickets.into_iter().map(|t| {
                                                let status = t.status;
                                                view! {
                                                    <tr data-reference=t.reference.clone()>
                                                        <td class="mono nowrap">{t.reference.clone()}</td>
                                                        <td>{t.subject.clone()}</td>
                                                        <td class="nowrap">{local_time(lang, t.created_at)}</td>
                                                        <td><span class="badge" class:muted=status == TicketStatus::Closed>{move || match status {
                                                            TicketStatus::Open => h().status_open,
                                                            TicketStatus::Closed => h().status_closed,
                                                        }}</span></td>
                                                        <td class="small"><TicketFiles ticket_id=t.id.clone() files=t.attachments.clone() /></td>
                                                    </tr>
                                                }
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                }.into_any()
                            })
                        })}
                    </ErrorBoundary>
                </Transition>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kontor_api::support::MAX_ATTACHMENTS_BYTES;
    use kontor_api::ErrorCode;

    fn file(name: &str, size: u64) -> SupportFile {
        SupportFile {
            path: format!("/tmp/{name}"),
            file_name: name.to_string(),
            size,
        }
    }

    #[test]
    fn an_empty_message_and_a_bad_phone_are_named_at_their_fields() {
        let e = check_form("Export", "   ", "call me", &[]);
        assert_eq!(e.subject, None);
        assert_eq!(e.message, Some(FieldProblem::Required));
        assert_eq!(e.phone, Some(FieldProblem::Invalid));
        assert!(e.any());
        assert!(!check_form("Export", "It fails.", "+49 30 123", &[file("a.log", 5)]).any());
        assert!(
            !check_form("Export", "It fails.", "", &[]).any(),
            "the phone is optional"
        );
    }

    #[test]
    fn oversize_too_many_and_wrong_files_are_named_at_the_attachments() {
        let big = check_form(
            "S",
            "M",
            "",
            &[file("a.pdf", MAX_ATTACHMENTS_BYTES), file("b.png", 1)],
        );
        assert_eq!(
            big.attachments,
            Some((
                None,
                AttachmentProblem::TooLarge {
                    max_bytes: MAX_ATTACHMENTS_BYTES
                }
            ))
        );
        let six: Vec<_> = (0..6).map(|i| file(&format!("{i}.txt"), 1)).collect();
        assert!(matches!(
            check_form("S", "M", "", &six).attachments,
            Some((None, AttachmentProblem::TooMany { max: 5 }))
        ));
        assert_eq!(
            check_form("S", "M", "", &[file("setup.exe", 1)]).attachments,
            Some((Some("setup.exe".into()), AttachmentProblem::NotAllowed))
        );
        // Worded in both languages, naming the file.
        let (f, p) = check_form("S", "M", "", &[file("setup.exe", 1)])
            .attachments
            .expect("problem");
        assert!((HELP_EN.attachment_problem)(f.as_deref(), &p).starts_with("setup.exe: "));
        assert!((HELP_DE.attachment_problem)(
            None,
            &AttachmentProblem::TooLarge {
                max_bytes: MAX_ATTACHMENTS_BYTES
            }
        )
        .contains("10,0 MB"));
    }

    #[test]
    fn refusals_land_at_their_field() {
        let field = |f: &str| {
            ErrorBody::detailed(ErrorDetail::Field {
                field: f.to_string(),
                row: None,
                problem: FieldProblem::Required,
            })
        };
        assert_eq!(
            place(field("message")).message,
            Some(FieldProblem::Required)
        );
        assert_eq!(
            place(field("contact_phone")).phone,
            Some(FieldProblem::Required)
        );
        let too_many = ErrorBody::detailed(ErrorDetail::Attachments {
            file_name: None,
            problem: AttachmentProblem::TooMany { max: 5 },
        });
        assert!(place(too_many).attachments.is_some());
        let net = ErrorBody::new(ErrorCode::Network, "down");
        assert_eq!(place(net.clone()).other, Some(net));
    }

    #[test]
    fn only_configured_links_are_listed_in_order() {
        let links = HelpLinks {
            documentation: Some("https://d".into()),
            knowledge_base: None,
            status_page: Some("https://s".into()),
            release_notes: None,
        };
        let rows = link_rows(&links);
        assert_eq!(
            rows.iter()
                .map(|(id, _, u)| (*id, u.as_str()))
                .collect::<Vec<_>>(),
            vec![
                ("help-link-documentation", "https://d"),
                ("help-link-status", "https://s")
            ]
        );
        assert_eq!((rows[0].1)(&HELP_DE), "Dokumentation");
    }

    // support9b
    #[test]
    fn several_files_are_added_as_far_as_the_limits_allow_and_the_rest_is_named() {
        let mut files = vec![file("first.log", 10)];
        let more: Vec<_> = (1..=6)
            .map(|i| Ok(file(&format!("{i}.txt"), 1)))
            .chain([
                Ok(file("first.log", 10)),
                Err(("setup.exe".to_string(), AttachmentProblem::NotAllowed)),
            ])
            .collect();
        let refused = merge_files(&mut files, more);
        assert_eq!(
            files
                .iter()
                .map(|f| f.file_name.as_str())
                .collect::<Vec<_>>(),
            vec!["first.log", "1.txt", "2.txt", "3.txt", "4.txt"],
            "all that fit, in order, the duplicate skipped"
        );
        assert_eq!(
            refused,
            vec![
                ("5.txt".to_string(), AttachmentProblem::TooMany { max: 5 }),
                ("6.txt".to_string(), AttachmentProblem::TooMany { max: 5 }),
                ("setup.exe".to_string(), AttachmentProblem::NotAllowed),
            ]
        );
        let text = not_added_text(&HELP_EN, &refused);
        assert!(
            text.starts_with("5.txt, 6.txt: At most 5 files can be attached."),
            "{text}"
        );
        assert!(text.contains("setup.exe: This kind of file"), "{text}");
        assert!(not_added_text(&HELP_DE, &refused).contains("höchstens 5 Dateien"));

        // A file that would pass 10 MB is left out; a smaller one after it still fits.
        let mut files = vec![file("big.pdf", MAX_ATTACHMENTS_BYTES - 100)];
        let refused = merge_files(
            &mut files,
            vec![Ok(file("huge.png", 200)), Ok(file("small.png", 100))],
        );
        assert_eq!(
            files
                .iter()
                .map(|f| f.file_name.as_str())
                .collect::<Vec<_>>(),
            vec!["big.pdf", "small.png"]
        );
        assert_eq!(
            refused,
            vec![(
                "huge.png".to_string(),
                AttachmentProblem::TooLarge {
                    max_bytes: MAX_ATTACHMENTS_BYTES
                }
            )]
        );
    }
}
