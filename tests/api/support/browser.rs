//! A browser as far as the cabinet can tell: real HTTP, cookies kept per origin as the
//! `Set-Cookie` headers say (removals included), redirects not followed so each one is seen.

use super::TestApp;
use reqwest::header::{COOKIE, SET_COOKIE};
use std::collections::BTreeMap;

/// One browser profile.
pub struct Browser<'a> {
    app: &'a TestApp,
    http: reqwest::Client,
    /// Cookies by name, and each one's attributes as sent.
    pub cookies: BTreeMap<String, (String, String)>,
    /// Sent as `Accept-Language`.
    pub accept_language: Option<&'static str>,
}

/// A page as received.
pub struct Page {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    /// Where a redirect points.
    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The value of the hidden `csrf` field of the page's first form.
    pub fn csrf(&self) -> String {
        self.hidden("csrf")
    }

    /// The value of hidden field `name`.
    pub fn hidden(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let at = self
            .body
            .find(&marker)
            .unwrap_or_else(|| panic!("no hidden field {name} in:\n{}", self.body))
            + marker.len();
        self.body[at..].split('"').next().unwrap().to_owned()
    }
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Browser {
            app,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
            accept_language: None,
        }
    }

    /// The server this browser talks to.
    pub fn app(&self) -> &'a TestApp {
        self.app
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, (v, _))| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn receive(&mut self, r: reqwest::Response) -> Page {
        for set in r.headers().get_all(SET_COOKIE) {
            let set = set.to_str().unwrap();
            let (pair, attrs) = set.split_once(';').unwrap_or((set, ""));
            let (name, value) = pair.split_once('=').unwrap();
            let removal = attrs.to_ascii_lowercase().contains("max-age=0");
            if removal {
                self.cookies.remove(name);
            } else {
                self.cookies
                    .insert(name.to_owned(), (value.to_owned(), attrs.to_owned()));
            }
        }
        Page {
            status: r.status().as_u16(),
            headers: r.headers().clone(),
            body: r.text().await.unwrap(),
        }
    }

    fn with_headers(&self, b: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let b = b.header(COOKIE, self.cookie_header());
        match self.accept_language {
            Some(l) => b.header("accept-language", l),
            None => b,
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let b = self.with_headers(self.http.get(self.app.url(path)));
        let r = b.send().await.unwrap();
        self.receive(r).await
    }

    /// GET a file: the status and the bytes as sent.
    pub async fn download(&mut self, path: &str) -> (u16, Vec<u8>) {
        let b = self.with_headers(self.http.get(self.app.url(path)));
        let r = b.send().await.unwrap();
        (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let b = self.with_headers(self.http.post(self.app.url(path)).form(form));
        let r = b.send().await.unwrap();
        self.receive(r).await
    }

    /// POST a form answered by a file: the status, the headers and the bytes as sent.
    pub async fn post_for_file(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
    ) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        let b = self.with_headers(self.http.post(self.app.url(path)).form(form));
        let r = b.send().await.unwrap();
        let (status, headers) = (r.status().as_u16(), r.headers().clone());
        (status, headers, r.bytes().await.unwrap().to_vec())
    }

    pub async fn post_multipart(&mut self, path: &str, form: reqwest::multipart::Form) -> Page {
        let b = self.with_headers(self.http.post(self.app.url(path)).multipart(form));
        let r = b.send().await.unwrap();
        self.receive(r).await
    }

    /// Sign in through the pages with the SMS code from the outbox; ends on the cabinet.
    pub async fn sign_in(&mut self, login: &str, password: &str, phone: &str) -> Page {
        let form = self.get("/signin").await;
        assert_eq!(form.status, 200);
        let code_page = self
            .post(
                "/signin",
                &[
                    ("csrf", &form.csrf()),
                    ("login", login),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(code_page.status, 200, "{}", code_page.body);
        let code = super::accounts::last_code(self.app, phone).await;
        let done = self
            .post(
                "/signin/code",
                &[
                    ("csrf", &code_page.csrf()),
                    ("challenge", &code_page.hidden("challenge")),
                    ("code", &code),
                ],
            )
            .await;
        assert_eq!(done.status, 303, "{}", done.body);
        assert_eq!(done.location(), "/cabinet");
        let home = self.get("/cabinet").await;
        assert_eq!(home.status, 200, "{}", home.body);
        home
    }
}

/// `path` is for holders only: a partner agent and an auditor get 403, nobody is sent to sign
/// in.
pub async fn only_holders(app: &TestApp, path: &str) {
    let agent = super::accounts::partner_agent(app, "Abroad Help").await;
    let auditor = super::accounts::member(app, "auditor", None).await;
    for s in [agent, auditor] {
        let mut b = Browser::new(app);
        b.sign_in(&s.person.email, super::accounts::PASSWORD, &s.person.phone)
            .await;
        assert_eq!(
            b.get(path).await.status,
            403,
            "{path} for {}",
            s.person.email
        );
    }
    let page = Browser::new(app).get(path).await;
    assert_eq!(page.status, 303);
    let back: String = form_urlencoded::byte_serialize(path.as_bytes()).collect();
    assert_eq!(page.location(), format!("/signin?next={back}"));
}
