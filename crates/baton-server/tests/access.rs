//! Access control through the real server on loopback and a real database (SQLite always;
//! PostgreSQL too when `BATON_TEST_POSTGRES_URL` is set): every route for each role, attempts
//! across organizations (named and guessed ids), sessions and CSRF, failed-login limits, and the
//! audit log of every refusal, which must still verify afterwards.
//!
//! Passwords cost an argon2id hash each, so only the users who sign in have one; everyone else
//! uses API tokens made in the fixture.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use baton_server::ratelimit::LoginLimits;
use baton_store::testing;
use serde_json::json;
use support::Reply;
use support::fixture::*;

// ---- no valid credentials ----------------------------------------------------------------------

/// Every route but the open ones, each with a body that would fail validation: the 401 comes
/// first.
fn protected_routes() -> Vec<(&'static str, String, Option<Body>)> {
    let bad_json = Some(("application/json", b"{not json".to_vec()));
    vec![
        ("GET", "/api/v1/me".into(), None),
        ("POST", "/api/v1/auth/logout".into(), None),
        ("GET", "/api/v1/assets?limit=0".into(), None),
        (
            "GET",
            "/api/v1/findings?status=nonsense&limit=99999".into(),
            None,
        ),
        ("GET", format!("/api/v1/affected/{CVE}"), None),
        (
            "GET",
            "/api/v1/findings/not-a-number/decisions".into(),
            None,
        ),
        ("GET", "/api/v1/findings/1/decisions".into(), None),
        (
            "POST",
            "/api/v1/findings/1/decisions".into(),
            bad_json.clone(),
        ),
        (
            "POST",
            "/api/v1/findings/x/decisions".into(),
            bad_json.clone(),
        ),
        (
            "POST",
            "/api/v1/imports/assets".into(),
            Some(("text/csv", b"not,a\ncsv".to_vec())),
        ),
        (
            "POST",
            "/api/v1/imports/no-such-kind".into(),
            Some(("text/csv", b"".to_vec())),
        ),
        (
            "POST",
            "/api/v1/sboms".into(),
            Some(("application/json", b"[]".to_vec())),
        ),
        ("POST", "/api/v1/advisories".into(), bad_json.clone()),
        ("POST", "/api/v1/assessments".into(), bad_json.clone()),
        (
            "PUT",
            "/api/v1/sharing/Acme%20Medical".into(),
            bad_json.clone(),
        ),
        ("GET", "/api/v1/users".into(), None),
        ("POST", "/api/v1/users".into(), bad_json.clone()),
        ("POST", "/api/v1/tokens".into(), bad_json.clone()),
        ("DELETE", "/api/v1/tokens/1".into(), None),
        ("DELETE", "/api/v1/tokens/nope".into(), None),
        ("GET", "/api/v1/log/checkpoint".into(), None),
        ("GET", "/api/v1/log/proof".into(), None),
        ("GET", "/api/v1/lifecycle?on=never".into(), None),
        ("GET", "/api/v1/gaps?limit=0".into(), None),
        ("GET", "/api/v1/due?horizon=-1".into(), None),
        ("GET", "/api/v1/transitions?horizon=x".into(), None),
        ("GET", "/api/v1/report".into(), None),
        ("GET", "/api/v1/agreements".into(), None),
        ("GET", "/api/v1/docs?limit=0".into(), None),
        ("GET", "/api/v1/unsupported?per_asset=maybe".into(), None),
        (
            "GET",
            "/api/v1/assets/General%20Hospital/gh-1/responsibilities".into(),
            None,
        ),
        (
            "GET",
            "/api/v1/assets/General%20Hospital/gh-1/history".into(),
            None,
        ),
        ("POST", "/api/v1/notices".into(), bad_json.clone()),
        (
            "POST",
            "/api/v1/documents?kind=nonsense".into(),
            Some(("application/octet-stream", b"".to_vec())),
        ),
        (
            "POST",
            "/api/v1/mds2".into(),
            Some(("application/octet-stream", b"x".to_vec())),
        ),
    ]
}

#[test]
fn without_valid_credentials_every_route_is_401_before_validation() {
    for mut fx in fixtures() {
        let invalid = [
            ("none", Auth::Anonymous),
            ("garbage token", Auth::Bearer("baton_guessed-token".into())),
            ("not bearer", Auth::Header("Basic Z2g6cGFzc3dvcmQ=".into())),
            ("empty bearer", Auth::Header("Bearer ".into())),
            ("revoked", fx.auth("gh-analyst:revoked")),
            ("expired", fx.auth("gh-analyst:expired")),
            (
                "garbage session",
                Auth::Session {
                    cookie: "baton_session=guessed".into(),
                    csrf: Some("guessed".into()),
                },
            ),
        ];
        for (method, path, body) in protected_routes() {
            for (what, auth) in &invalid {
                let r = fx.send(method, &path, auth, body.clone());
                assert_eq!(
                    r.status, 401,
                    "{}: {method} {path} with {what}: {}",
                    fx.backend, r.body
                );
                assert_eq!(r.error_code(), "unauthorized");
            }
        }
        // A token that worked stops working once revoked through the API.
        let r = fx.json(
            "POST",
            "/api/v1/tokens",
            &fx.auth("gh-viewer"),
            json!({"expires_days": 1}),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let (id, secret) = (
            r.json()["id"].as_i64().unwrap(),
            r.json()["token"].as_str().unwrap().to_string(),
        );
        let own = Auth::Bearer(secret);
        assert_eq!(fx.get("/api/v1/me", &own).status, 200);
        assert_eq!(
            fx.send("DELETE", &format!("/api/v1/tokens/{id}"), &own, None)
                .status,
            204
        );
        assert_eq!(fx.get("/api/v1/me", &own).status, 401);

        // The open routes stay open, and validate as usual.
        let r = fx.get("/api/v1/openapi.json", &Auth::Anonymous);
        assert_eq!(r.status, 200);
        let r = fx.send(
            "POST",
            "/api/v1/auth/login",
            &Auth::Anonymous,
            Some(("application/json", b"{not json".to_vec())),
        );
        assert_eq!(r.status, 400, "{}", r.body);
        let r = fx.get("/api/v1/auth/oidc/nobody/login", &Auth::Anonymous);
        assert_ne!(r.status, 401, "{}", r.body);
        assert_eq!(fx.get("/healthz", &Auth::Anonymous).status, 200);

        // Presented but invalid credentials are logged as refusals of "anonymous"; no
        // credentials at all are not worth a log entry.
        fx.assert_refused("anonymous", "GET /api/v1/me", "invalid credentials");
        fx.assert_refused(
            "anonymous",
            "POST /api/v1/imports/assets",
            "invalid credentials",
        );
        fx.assert_refused(
            "anonymous",
            "DELETE /api/v1/tokens/1",
            "invalid credentials",
        );
        let presented = fx
            .events()
            .iter()
            .filter(|e| e.0 == "anonymous" && e.1 == "access.refused")
            .count();
        // Six presented credentials per route (a malformed Authorization header is presented
        // too: it is logged, though it authenticates nothing), plus the token revoked above.
        assert_eq!(
            presented,
            protected_routes().len() * 6 + 1,
            "{}",
            fx.backend
        );
        // No credential or secret is ever written to the log.
        for (_, _, target, detail) in fx.events() {
            for (_, secret) in fx.tokens.values() {
                assert!(
                    !target.contains(secret.as_str())
                        && !detail.to_string().contains(secret.as_str())
                );
            }
        }
        fx.assert_log_verifies();
    }
}

// ---- roles -------------------------------------------------------------------------------------

#[test]
fn each_role_on_every_route() {
    for mut fx in fixtures() {
        let (pump, monitor) = (fx.pump, fx.monitor);
        // Reading: every role of every kind of organization, with a read token too.
        for key in [
            "gh-viewer",
            "gh-viewer:read",
            "gh-analyst:read",
            "cc-viewer",
            "acme-viewer:read",
            "svc-viewer:read",
        ] {
            let auth = fx.auth(key);
            let r = fx.get("/api/v1/me", &auth);
            expect(&fx, &r, 200, key);
            let me = r.json();
            assert_eq!(me["email"], email(key.split(':').next().unwrap()));
            assert!(
                me.get("csrf_token").is_none(),
                "no CSRF token without a session"
            );
            for path in [
                "/api/v1/assets".to_string(),
                "/api/v1/findings".into(),
                format!("/api/v1/affected/{CVE}"),
                "/api/v1/log/checkpoint".into(),
                "/api/v1/log/proof?entry=0".into(),
                "/api/v1/log/proof?from=1".into(),
            ] {
                expect(
                    &fx,
                    &fx.get(&path, &auth),
                    200,
                    &format!("{key} GET {path}"),
                );
            }
        }
        let me = fx.get("/api/v1/me", &fx.auth("svc-viewer")).json();
        assert_eq!(
            (&me["organization"], &me["kind"], &me["role"]),
            (&json!("ServiceCo"), &json!("third-party"), &json!("viewer"))
        );
        // A proof gives hashes, never the entry itself (who did what).
        let proof = fx
            .get("/api/v1/log/proof?entry=0", &fx.auth("gh-viewer"))
            .json();
        assert_eq!(proof["leaf"], "", "{proof}");
        let r = fx.get("/api/v1/log/proof", &fx.auth("gh-viewer"));
        expect(&fx, &r, 422, "proof without entry or from");
        let r = fx.get("/api/v1/log/checkpoint", &fx.auth("gh-viewer"));
        assert!(r.body.contains('\u{2014}'), "a signed note: {}", r.body);
        for (key, id) in [
            ("gh-viewer", pump),
            ("acme-viewer", pump),
            ("svc-viewer", monitor),
        ] {
            let r = fx.get(&format!("/api/v1/findings/{id}/decisions"), &fx.auth(key));
            expect(&fx, &r, 200, key);
        }

        // Deciding: analysts and admins with a write token; not viewers, not read tokens.
        for key in [
            "gh-viewer",
            "gh-viewer:read",
            "gh-analyst:read",
            "gh-admin:read",
        ] {
            let r = fx.decide(key, pump, Some("General Hospital/gh-1"));
            expect(&fx, &r, 403, key);
        }
        for key in ["gh-analyst", "gh-admin"] {
            let r = fx.decide(key, pump, Some("General Hospital/gh-1"));
            expect(&fx, &r, 201, key);
            assert_eq!(r.json()["decided_by"], email(key));
        }
        expect(
            &fx,
            &fx.decide("acme-viewer", pump, None),
            403,
            "acme viewer",
        );
        expect(
            &fx,
            &fx.decide("acme-analyst", pump, None),
            201,
            "acme analyst",
        );
        expect(
            &fx,
            &fx.decide("svc-viewer", monitor, Some("City Clinic/cc-2")),
            403,
            "svc viewer",
        );
        expect(
            &fx,
            &fx.decide("svc-analyst", monitor, Some("City Clinic/cc-2")),
            201,
            "svc analyst",
        );
        // A hospital decides for its assets, not for the manufacturer's release.
        expect(
            &fx,
            &fx.decide("gh-admin", pump, None),
            403,
            "hospital on a release",
        );
        expect(
            &fx,
            &fx.decide("svc-analyst", monitor, None),
            403,
            "provider on a release",
        );

        // Inventory uploads.
        let gh_assets = "asset_id,organization,manufacturer,model,software_version,serial,udi,site,department,network_zone,status\ngh-4,General Hospital,Acme Medical,Pump 9,1.0,,,,,,in-use\n";
        for key in ["gh-viewer", "gh-analyst:read"] {
            expect(
                &fx,
                &fx.csv("/api/v1/imports/assets", &fx.auth(key), gh_assets),
                403,
                key,
            );
        }
        let r = fx.csv("/api/v1/imports/assets", &fx.auth("gh-analyst"), gh_assets);
        expect(&fx, &r, 200, "gh analyst uploads assets");
        assert!(
            fx.assets("gh-viewer")
                .contains(&"General Hospital/gh-4".to_string())
        );
        // Each kind of organization uploads only its kind of file.
        let r = fx.csv("/api/v1/imports/models", &fx.auth("gh-analyst"), MODELS);
        expect(&fx, &r, 403, "a hospital uploading models");
        let r = fx.csv(
            "/api/v1/imports/assets",
            &fx.auth("acme-analyst"),
            gh_assets,
        );
        expect(&fx, &r, 403, "a manufacturer uploading assets");
        let r = fx.csv("/api/v1/imports/assets", &fx.auth("svc-analyst"), gh_assets);
        expect(&fx, &r, 403, "a provider uploading assets");
        let acme_models = "manufacturer,model,model_number,udi_di,device_type,criticality,general_availability,eol_date,eol_announced,eos_date,eos_announced\nAcme Medical,Pump 10,,,infusion pump,high,,,,,\n";
        expect(
            &fx,
            &fx.csv(
                "/api/v1/imports/models",
                &fx.auth("acme-viewer"),
                acme_models,
            ),
            403,
            "acme viewer",
        );
        expect(
            &fx,
            &fx.csv(
                "/api/v1/imports/models",
                &fx.auth("acme-analyst"),
                acme_models,
            ),
            200,
            "acme analyst",
        );

        // SBOMs: the manufacturer's writers only.
        let sbom = format!("/api/v1/sboms?release={}", enc("Acme Medical/Pump 9@1.0"));
        let body = || Some(("application/json", SBOM.as_bytes().to_vec()));
        for (key, status) in [
            ("acme-viewer", 403),
            ("acme-analyst:read", 403),
            ("gh-analyst", 403),
            ("svc-analyst", 403),
            ("acme-analyst", 200),
        ] {
            let r = fx.send("POST", &sbom, &fx.auth(key), body());
            expect(&fx, &r, status, &format!("{key} uploads an SBOM"));
        }

        // Advisories: any writer.
        let adv = || Some(("application/json", UNRELATED_ADVISORY.as_bytes().to_vec()));
        for (key, status) in [
            ("gh-viewer", 403),
            ("gh-analyst:read", 403),
            ("gh-analyst", 200),
        ] {
            let r = fx.send(
                "POST",
                "/api/v1/advisories?file=nobody.json",
                &fx.auth(key),
                adv(),
            );
            expect(&fx, &r, status, &format!("{key} uploads an advisory"));
        }

        // Assessments: a hospital's writers.
        let assessment =
            json!({"asset_id": "gh-1", "assessor": "Ann", "decision": "accept", "residual": "low"});
        for (key, status) in [
            ("gh-viewer", 403),
            ("gh-analyst:read", 403),
            ("acme-analyst", 403),
            ("svc-analyst", 403),
            ("gh-analyst", 201),
        ] {
            let r = fx.json(
                "POST",
                "/api/v1/assessments",
                &fx.auth(key),
                assessment.clone(),
            );
            expect(&fx, &r, status, &format!("{key} assesses"));
        }

        // Sharing: a hospital's admin, with a write token.
        let share = "/api/v1/sharing/Acme%20Medical";
        for (key, status) in [
            ("gh-viewer", 403),
            ("gh-analyst", 403),
            ("gh-admin:read", 403),
            ("acme-admin", 403),
            ("svc-admin", 403),
            ("gh-admin", 204),
        ] {
            let r = fx.json("PUT", share, &fx.auth(key), json!({"level": "nothing"}));
            expect(&fx, &r, status, &format!("{key} sets sharing"));
        }

        // Users: an organization's admin, with a write token.
        for key in ["gh-viewer", "gh-analyst", "gh-admin:read"] {
            expect(&fx, &fx.get("/api/v1/users", &fx.auth(key)), 403, key);
            let r = fx.json(
                "POST",
                "/api/v1/users",
                &fx.auth(key),
                json!({"email": format!("new-by-{}@example.test", key.replace(':', "-")), "role": "admin"}),
            );
            expect(&fx, &r, 403, key);
        }
        let r = fx.get("/api/v1/users", &fx.auth("gh-admin"));
        expect(&fx, &r, 200, "gh admin lists users");
        let listed: Vec<String> = r
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["email"].as_str().unwrap().to_string())
            .collect();
        let mut expected: Vec<String> = ["gh-admin", "gh-analyst", "gh-viewer"].map(email).to_vec();
        expected.sort();
        let mut sorted = listed.clone();
        sorted.sort();
        assert_eq!(sorted, expected, "only General Hospital's users");
        // A new user joins the admin's organization, whatever the body says.
        let r = fx.json(
            "POST",
            "/api/v1/users",
            &fx.auth("gh-admin"),
            json!({"email": "new@example.test", "role": "viewer", "organization": "City Clinic"}),
        );
        expect(&fx, &r, 201, "gh admin adds a user");
        assert_eq!(r.json()["organization"], GH);

        // Tokens: anyone makes their own; a read token never makes a write token.
        let r = fx.json(
            "POST",
            "/api/v1/tokens",
            &fx.auth("gh-viewer"),
            json!({"expires_days": 7}),
        );
        expect(&fx, &r, 201, "viewer makes a token");
        assert_eq!(r.json()["scope"], "read");
        let viewer_token = r.json()["id"].as_i64().unwrap();
        for key in ["gh-viewer:read", "gh-admin:read"] {
            let r = fx.json(
                "POST",
                "/api/v1/tokens",
                &fx.auth(key),
                json!({"expires_days": 7, "scope": "write"}),
            );
            expect(&fx, &r, 403, key);
        }
        let r = fx.json(
            "POST",
            "/api/v1/tokens",
            &fx.auth("gh-analyst:read"),
            json!({"expires_days": 7}),
        );
        expect(&fx, &r, 201, "read token makes a read token");
        let r = fx.json(
            "POST",
            "/api/v1/tokens",
            &fx.auth("gh-viewer"),
            json!({"expires_days": 0}),
        );
        expect(&fx, &r, 422, "a token that never lasts");

        // Revoking: your own, or an admin any of the organization's; else unknown.
        let path = format!("/api/v1/tokens/{viewer_token}");
        for key in ["gh-analyst", "gh-admin:read", "cc-admin"] {
            expect(
                &fx,
                &fx.send("DELETE", &path, &fx.auth(key), None),
                404,
                key,
            );
        }
        expect(
            &fx,
            &fx.send("DELETE", &path, &fx.auth("gh-admin"), None),
            204,
            "gh admin revokes",
        );
        let own = format!("/api/v1/tokens/{}", fx.token_id("gh-viewer:read"));
        expect(
            &fx,
            &fx.send("DELETE", &own, &fx.auth("gh-viewer:read"), None),
            204,
            "own read token",
        );
        expect(
            &fx,
            &fx.get("/api/v1/me", &fx.auth("gh-viewer:read")),
            401,
            "revoked",
        );

        // Signing out with a token: nothing to end, and the token still works.
        expect(
            &fx,
            &fx.send("POST", "/api/v1/auth/logout", &fx.auth("gh-viewer"), None),
            204,
            "logout",
        );
        expect(
            &fx,
            &fx.get("/api/v1/me", &fx.auth("gh-viewer")),
            200,
            "after logout",
        );

        // Every one of those refusals is in the log, by the refused user.
        let decide = format!("POST /api/v1/findings/{pump}/decisions");
        fx.assert_refused(&email("gh-viewer"), &decide, "403");
        fx.assert_refused(&email("gh-analyst"), &decide, "403");
        fx.assert_refused(&email("gh-analyst"), "POST /api/v1/imports/models", "403");
        fx.assert_refused(&email("acme-analyst"), "POST /api/v1/imports/assets", "403");
        fx.assert_refused(&email("gh-analyst"), "POST /api/v1/sboms", "403");
        fx.assert_refused(&email("acme-analyst"), "POST /api/v1/assessments", "403");
        fx.assert_refused(
            &email("gh-analyst"),
            "PUT /api/v1/sharing/Acme%20Medical",
            "403",
        );
        fx.assert_refused(&email("gh-admin"), "GET /api/v1/users", "403");
        fx.assert_refused(&email("gh-viewer"), "POST /api/v1/tokens", "403");
        fx.assert_refused(&email("cc-admin"), &format!("DELETE {path}"), "404");
        fx.assert_log_verifies();
    }
}

// ---- across organizations ---------------------------------------------------------------------

#[test]
fn hospitals_cannot_reach_each_other() {
    for mut fx in fixtures() {
        let (pump, monitor3) = (fx.pump, fx.monitor3);
        assert_eq!(
            fx.assets("gh-viewer"),
            [
                "General Hospital/gh-1",
                "General Hospital/gh-2",
                "General Hospital/gh-3"
            ]
        );
        assert_eq!(
            fx.assets("cc-viewer"),
            ["City Clinic/cc-1", "City Clinic/cc-2", "City Clinic/cc-3"]
        );
        assert_eq!(
            fx.affected("gh-viewer"),
            [
                "General Hospital/gh-1",
                "General Hospital/gh-2",
                "General Hospital/gh-3"
            ]
        );
        // Findings count only the hospital's own assets; City Clinic's alone are not listed.
        assert_eq!(
            fx.findings("gh-viewer", ""),
            [(fx.pump, 2), (fx.monitor, 1)]
        );
        assert_eq!(
            fx.findings("cc-viewer", ""),
            [(fx.pump, 1), (fx.monitor, 1), (fx.monitor3, 1)]
        );

        // Another hospital's asset is exactly as unknown as one that does not exist.
        let unknown = |fx: &Fixture, spec: &str| {
            let r = fx.get(
                &format!("/api/v1/findings?asset={}", enc(spec)),
                &fx.auth("gh-admin"),
            );
            assert_eq!(r.status, 404, "{}: {spec}: {}", fx.backend, r.body);
            r.error_code();
            r.body.replace(spec, "SPEC")
        };
        assert_eq!(
            unknown(&fx, "City Clinic/cc-1"),
            unknown(&fx, "City Clinic/cc-404")
        );
        assert_eq!(
            fx.findings(
                "gh-admin",
                &format!("?asset={}", enc("General Hospital/gh-1"))
            ),
            [(fx.pump, 1)]
        );
        // A release only City Clinic runs, named as a filter, is unknown too.
        let r = fx.get(
            &format!(
                "/api/v1/findings?release={}",
                enc("Other Corp/Monitor 1@3.0")
            ),
            &fx.auth("gh-admin"),
        );
        expect(&fx, &r, 404, "another hospital's release");

        // No decision on City Clinic's asset, named or guessed; none on a finding outside view.
        let cc = fx.decide("gh-analyst", pump, Some("City Clinic/cc-1"));
        expect(&fx, &cc, 404, "decide on City Clinic's asset");
        let guessed = fx.decide("gh-analyst", pump, Some("City Clinic/cc-404"));
        expect(&fx, &guessed, 404, "decide on a guessed asset");
        assert_eq!(
            cc.json()["error"]["message"]
                .as_str()
                .unwrap()
                .replace("cc-1", "X"),
            guessed.json()["error"]["message"]
                .as_str()
                .unwrap()
                .replace("cc-404", "X")
        );
        let r = fx.decide("gh-analyst", monitor3, Some("General Hospital/gh-3"));
        expect(&fx, &r, 404, "decide on a finding outside the view");
        let r = fx.get(
            &format!("/api/v1/findings/{monitor3}/decisions"),
            &fx.auth("gh-admin"),
        );
        expect(&fx, &r, 404, "decisions of a finding outside the view");
        assert!(
            r.body.contains(&format!("unknown finding {monitor3}")),
            "{}",
            r.body
        );

        // City Clinic's decision on a shared finding stays City Clinic's.
        let r = fx.json(
            "POST",
            &format!("/api/v1/findings/{pump}/decisions"),
            &fx.auth("cc-analyst"),
            json!({"status": "not_affected", "justification": "vulnerable_code_not_in_execute_path",
                   "note": "cc private note", "asset": "City Clinic/cc-1"}),
        );
        expect(&fx, &r, 201, "City Clinic decides");
        expect(
            &fx,
            &fx.decide("gh-analyst", pump, Some("General Hospital/gh-1")),
            201,
            "GH decides",
        );
        for key in ["gh-admin", "acme-admin"] {
            let r = fx.get(&format!("/api/v1/findings/{pump}/decisions"), &fx.auth(key));
            expect(&fx, &r, 200, key);
            assert!(!r.body.contains("City Clinic"), "{key} sees {}", r.body);
            assert!(!r.body.contains("cc private note"), "{key} sees {}", r.body);
        }
        let r = fx.get(
            &format!("/api/v1/findings/{pump}/decisions"),
            &fx.auth("cc-viewer"),
        );
        assert!(
            r.body.contains("cc private note") && !r.body.contains("General Hospital"),
            "{}",
            r.body
        );
        // Its decision does not change General Hospital's view of its own assets.
        let r = fx.get(
            &format!("/api/v1/findings?asset={}", enc("General Hospital/gh-2")),
            &fx.auth("gh-viewer"),
        );
        assert_eq!(r.json()["items"][0]["status"], "affected", "{}", r.body);

        // An upload naming City Clinic is refused, naming the line, and changes nothing.
        let mixed = "asset_id,organization,manufacturer,model,software_version,serial,udi,site,department,network_zone,status
gh-9,General Hospital,Acme Medical,Pump 9,1.0,,,,,,in-use
cc-9,City Clinic,Acme Medical,Pump 9,1.0,,,,,,in-use
";
        let r = fx.csv(
            "/api/v1/imports/assets?file=mine.csv",
            &fx.auth("gh-analyst"),
            mixed,
        );
        expect(&fx, &r, 403, "assets naming City Clinic");
        let message = r.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(
            message.contains("mine.csv:3") && message.contains("City Clinic"),
            "{message}"
        );
        let r = fx.csv("/api/v1/imports/assets", &fx.auth("gh-analyst"), mixed);
        assert!(r.body.contains("assets.csv:3"), "{}", r.body);
        assert!(!fx.assets("gh-viewer").iter().any(|a| a.ends_with("gh-9")));
        assert!(!fx.assets("cc-viewer").iter().any(|a| a.ends_with("cc-9")));
        // An organization that does not exist is not yours either (nor created).
        let r = fx.csv(
            "/api/v1/imports/assets",
            &fx.auth("gh-analyst"),
            "asset_id,organization,manufacturer,model,software_version,serial,udi,site,department,network_zone,status\nx-1,New Clinic,Acme Medical,Pump 9,1.0,,,,,,in-use\n",
        );
        expect(&fx, &r, 403, "assets of a new organization");
        assert!(fx.store.organization("New Clinic").is_err());
        for (kind, file) in [
            (
                "agreements",
                "manufacturer,model,hdo,task,stage,party,lead,provider\nOther Corp,Monitor 1,City Clinic,deploy-patches,,third-party,,ServiceCo\n",
            ),
            (
                "assessments",
                "organization,asset_id,date,assessor,decision,residual,note\nCity Clinic,cc-1,2026-01-01,Ann,decommission,,\n",
            ),
        ] {
            let r = fx.csv(
                &format!("/api/v1/imports/{kind}"),
                &fx.auth("gh-analyst"),
                file,
            );
            expect(&fx, &r, 403, &format!("{kind} naming City Clinic"));
            assert!(r.body.contains(&format!("{kind}.csv:2")), "{}", r.body);
        }
        // An assessment is of the hospital's own asset: City Clinic's is unknown.
        let r = fx.json(
            "POST",
            "/api/v1/assessments",
            &fx.auth("gh-analyst"),
            json!({"asset_id": "cc-1", "assessor": "Ann", "decision": "decommission"}),
        );
        expect(&fx, &r, 404, "assess City Clinic's asset");

        // City Clinic's tokens, by guessed id: unknown, like ids that do not exist.
        let gh_ids: Vec<i64> = fx
            .tokens
            .iter()
            .filter(|(k, _)| k.starts_with("gh-"))
            .map(|(_, (id, _))| *id)
            .collect();
        let max = fx.tokens.values().map(|t| t.0).max().unwrap();
        let mut refused = Vec::new();
        for id in (1..=max + 5).filter(|id| !gh_ids.contains(id)) {
            let path = format!("/api/v1/tokens/{id}");
            let r = fx.send("DELETE", &path, &fx.auth("gh-admin"), None);
            assert_eq!(r.status, 404, "{}: token {id}: {}", fx.backend, r.body);
            assert_eq!(r.json()["error"]["message"], format!("unknown token {id}"));
            refused.push(path);
        }
        for key in ["cc-admin", "cc-viewer:read", "acme-analyst", "svc-viewer"] {
            expect(
                &fx,
                &fx.get("/api/v1/me", &fx.auth(key)),
                200,
                &format!("{key} still works"),
            );
        }
        // Sharing is with a manufacturer, never with another hospital.
        let r = fx.json(
            "PUT",
            "/api/v1/sharing/City%20Clinic",
            &fx.auth("gh-admin"),
            json!({"level": "assets"}),
        );
        expect(&fx, &r, 422, "sharing with a hospital");
        assert_eq!(fx.assets("cc-viewer").len(), 3);

        for path in &refused {
            fx.assert_refused(&email("gh-admin"), &format!("DELETE {path}"), "404");
        }
        fx.assert_refused(&email("gh-admin"), "GET /api/v1/findings", "404");
        fx.assert_refused(
            &email("gh-analyst"),
            &format!("POST /api/v1/findings/{pump}/decisions"),
            "404",
        );
        fx.assert_refused(
            &email("gh-analyst"),
            &format!("POST /api/v1/findings/{monitor3}/decisions"),
            "404",
        );
        fx.assert_refused(
            &email("gh-admin"),
            &format!("GET /api/v1/findings/{monitor3}/decisions"),
            "404",
        );
        fx.assert_refused(&email("gh-analyst"), "POST /api/v1/imports/assets", "403");
        fx.assert_refused(
            &email("gh-analyst"),
            "POST /api/v1/imports/agreements",
            "403",
        );
        fx.assert_refused(&email("gh-analyst"), "POST /api/v1/assessments", "404");
        fx.assert_log_verifies();
    }
}

#[test]
fn a_manufacturer_sees_only_what_each_hospital_shares() {
    for mut fx in fixtures() {
        let (pump, monitor) = (fx.pump, fx.monitor);
        // Nothing shared: its release's finding, and no installed base.
        assert!(fx.assets("acme-viewer").is_empty());
        assert_eq!(fx.findings("acme-viewer", ""), [(pump, 0)]);
        assert!(fx.affected("acme-viewer").is_empty());
        for spec in ["City Clinic/cc-1", "General Hospital/gh-1"] {
            let r = fx.get(
                &format!("/api/v1/findings?asset={}", enc(spec)),
                &fx.auth("acme-viewer"),
            );
            expect(&fx, &r, 404, spec);
        }

        // Counts only: the count, still no list.
        let share = |fx: &Fixture, level: &str| {
            let r = fx.json(
                "PUT",
                "/api/v1/sharing/Acme%20Medical",
                &fx.auth("cc-admin"),
                json!({"level": level}),
            );
            expect(fx, &r, 204, level);
        };
        share(&fx, "counts");
        assert!(fx.assets("acme-viewer").is_empty());
        assert_eq!(fx.findings("acme-viewer", ""), [(pump, 1)]);
        assert!(fx.affected("acme-viewer").is_empty());
        let r = fx.get(
            &format!("/api/v1/findings?asset={}", enc("City Clinic/cc-1")),
            &fx.auth("acme-viewer"),
        );
        expect(&fx, &r, 404, "counts only: no asset");

        // The asset list: City Clinic's Acme devices, not its other devices, not General's.
        share(&fx, "assets");
        assert_eq!(fx.assets("acme-viewer"), ["City Clinic/cc-1"]);
        assert_eq!(fx.findings("acme-viewer", ""), [(pump, 1)]);
        assert_eq!(fx.affected("acme-viewer"), ["City Clinic/cc-1"]);
        assert_eq!(
            fx.findings(
                "acme-viewer",
                &format!("?asset={}", enc("City Clinic/cc-1"))
            ),
            [(pump, 1)]
        );
        for spec in ["City Clinic/cc-2", "General Hospital/gh-1"] {
            let r = fx.get(
                &format!("/api/v1/findings?asset={}", enc(spec)),
                &fx.auth("acme-viewer"),
            );
            expect(&fx, &r, 404, spec);
        }
        // Seeing is not deciding: never on a hospital's asset.
        for spec in ["City Clinic/cc-1", "General Hospital/gh-1"] {
            expect(&fx, &fx.decide("acme-analyst", pump, Some(spec)), 404, spec);
        }
        // Another manufacturer's release is unknown to it.
        expect(
            &fx,
            &fx.decide("acme-analyst", monitor, None),
            404,
            "Other Corp's finding",
        );
        let r = fx.get(
            &format!("/api/v1/findings/{monitor}/decisions"),
            &fx.auth("acme-viewer"),
        );
        expect(&fx, &r, 404, "Other Corp's decisions");
        let r = fx.get(
            &format!(
                "/api/v1/findings?release={}",
                enc("Other Corp/Monitor 1@2.0")
            ),
            &fx.auth("acme-viewer"),
        );
        expect(&fx, &r, 404, "Other Corp's release");
        // Nor uploads another manufacturer's models or SBOMs.
        let models = "manufacturer,model,model_number,udi_di,device_type,criticality,general_availability,eol_date,eol_announced,eos_date,eos_announced
Acme Medical,Pump 10,,,infusion pump,high,,,,,
Other Corp,Monitor 2,,,monitor,high,,,,,
";
        let r = fx.csv("/api/v1/imports/models", &fx.auth("acme-analyst"), models);
        expect(&fx, &r, 403, "Other Corp's models");
        assert!(
            r.body.contains("models.csv:3") && r.body.contains("Other Corp"),
            "{}",
            r.body
        );
        let r = fx.send(
            "POST",
            &format!("/api/v1/sboms?release={}", enc("Other Corp/Monitor 1@2.0")),
            &fx.auth("acme-analyst"),
            Some(("application/json", SBOM.as_bytes().to_vec())),
        );
        expect(&fx, &r, 403, "Other Corp's SBOM");
        // Sharing is the hospital's to set.
        let r = fx.json(
            "PUT",
            "/api/v1/sharing/Acme%20Medical",
            &fx.auth("acme-admin"),
            json!({"level": "assets"}),
        );
        expect(&fx, &r, 403, "the manufacturer sets sharing");
        let r = fx.json(
            "PUT",
            "/api/v1/sharing/Acme%20Medical",
            &fx.auth("cc-analyst"),
            json!({"level": "nothing"}),
        );
        expect(&fx, &r, 403, "an analyst sets sharing");
        assert_eq!(fx.assets("acme-viewer"), ["City Clinic/cc-1"]);

        // Back to nothing: the list is gone again.
        share(&fx, "nothing");
        assert!(fx.assets("acme-viewer").is_empty());
        assert_eq!(fx.findings("acme-viewer", ""), [(pump, 0)]);

        fx.assert_refused(
            &email("acme-analyst"),
            &format!("POST /api/v1/findings/{pump}/decisions"),
            "404",
        );
        fx.assert_refused(
            &email("acme-analyst"),
            &format!("POST /api/v1/findings/{monitor}/decisions"),
            "404",
        );
        fx.assert_refused(
            &email("acme-viewer"),
            &format!("GET /api/v1/findings/{monitor}/decisions"),
            "404",
        );
        fx.assert_refused(&email("acme-analyst"), "POST /api/v1/imports/models", "403");
        fx.assert_refused(
            &email("acme-admin"),
            "PUT /api/v1/sharing/Acme%20Medical",
            "403",
        );
        fx.assert_refused(
            &email("cc-analyst"),
            "PUT /api/v1/sharing/Acme%20Medical",
            "403",
        );
        // The sharing changes are in the log as City Clinic's admin's.
        let sharing = fx
            .events()
            .into_iter()
            .filter(|e| e.1 == "sharing.set")
            .map(|e| e.0)
            .collect::<Vec<_>>();
        assert_eq!(sharing, vec![email("cc-admin"); 3]);
        fx.assert_log_verifies();
    }
}

#[test]
fn a_provider_sees_only_its_assigned_assets() {
    for mut fx in fixtures() {
        let (pump, monitor, monitor3) = (fx.pump, fx.monitor, fx.monitor3);
        assert_eq!(
            fx.assets("svc-viewer"),
            ["City Clinic/cc-2", "City Clinic/cc-3"]
        );
        assert_eq!(fx.findings("svc-viewer", ""), [(monitor, 1), (monitor3, 1)]);
        assert_eq!(
            fx.affected("svc-viewer"),
            ["City Clinic/cc-2", "City Clinic/cc-3"]
        );
        // General Hospital runs a Monitor 1 too, but has no agreement with ServiceCo.
        for spec in ["City Clinic/cc-1", "General Hospital/gh-3"] {
            let r = fx.get(
                &format!("/api/v1/findings?asset={}", enc(spec)),
                &fx.auth("svc-viewer"),
            );
            expect(&fx, &r, 404, spec);
        }
        let r = fx.get(
            &format!("/api/v1/findings/{pump}/decisions"),
            &fx.auth("svc-viewer"),
        );
        expect(&fx, &r, 404, "the pump's decisions");
        expect(
            &fx,
            &fx.decide("svc-analyst", monitor, Some("City Clinic/cc-2")),
            201,
            "assigned asset",
        );
        expect(
            &fx,
            &fx.decide("svc-analyst", monitor, Some("General Hospital/gh-3")),
            404,
            "unassigned asset",
        );
        expect(
            &fx,
            &fx.decide("svc-analyst", pump, Some("City Clinic/cc-1")),
            404,
            "unassigned finding",
        );
        // Nor any upload of a hospital's records, nor sharing.
        let r = fx.csv("/api/v1/imports/assets", &fx.auth("svc-analyst"), ASSETS);
        expect(&fx, &r, 403, "provider uploads assets");
        let r = fx.csv(
            "/api/v1/imports/capabilities",
            &fx.auth("svc-analyst"),
            "organization,task,capable\nCity Clinic,deploy-patches,true\n",
        );
        expect(&fx, &r, 403, "provider uploads City Clinic's capabilities");
        assert!(r.body.contains("capabilities.csv:2"), "{}", r.body);
        let r = fx.json(
            "PUT",
            "/api/v1/sharing/Acme%20Medical",
            &fx.auth("svc-admin"),
            json!({"level": "assets"}),
        );
        expect(&fx, &r, 403, "provider sets sharing");
        // City Clinic ends the agreement (another provider): ServiceCo sees nothing more.
        let r = fx.csv(
            "/api/v1/imports/agreements",
            &fx.auth("cc-analyst"),
            "manufacturer,model,hdo,task,stage,party,lead,provider\nOther Corp,Monitor 1,City Clinic,deploy-patches,,third-party,,OtherService\n",
        );
        expect(&fx, &r, 200, "City Clinic changes provider");
        assert!(fx.assets("svc-viewer").is_empty());
        assert!(fx.findings("svc-viewer", "").is_empty());

        fx.assert_refused(
            &email("svc-viewer"),
            &format!("GET /api/v1/findings/{pump}/decisions"),
            "404",
        );
        fx.assert_refused(
            &email("svc-analyst"),
            &format!("POST /api/v1/findings/{pump}/decisions"),
            "404",
        );
        fx.assert_refused(&email("svc-analyst"), "POST /api/v1/imports/assets", "403");
        fx.assert_log_verifies();
    }
}

#[test]
fn guessed_finding_ids_are_unknown() {
    for mut fx in fixtures() {
        let max = fx.pump.max(fx.monitor).max(fx.monitor3);
        let outside = [
            ("gh-analyst", fx.monitor3),
            ("acme-analyst", fx.monitor),
            ("svc-analyst", fx.pump),
        ];
        for (key, hidden) in outside {
            let message = |r: &Reply| r.json()["error"]["message"].as_str().unwrap().to_string();
            for id in [hidden, 0, -1, max + 1, 999_999, i64::MAX] {
                let r = fx.get(&format!("/api/v1/findings/{id}/decisions"), &fx.auth(key));
                expect(&fx, &r, 404, &format!("{key} reads {id}"));
                assert_eq!(message(&r), format!("unknown finding {id}"));
                let r = fx.decide(key, id, Some("City Clinic/cc-2"));
                expect(&fx, &r, 404, &format!("{key} decides {id}"));
                assert_eq!(message(&r), format!("unknown finding {id}"));
                fx.assert_refused(
                    &email(key),
                    &format!("GET /api/v1/findings/{id}/decisions"),
                    "404",
                );
            }
        }
        // Not a number at all: a bad request, after authentication.
        let r = fx.get(
            "/api/v1/findings/1%20OR%201=1/decisions",
            &fx.auth("gh-analyst"),
        );
        expect(&fx, &r, 400, "not a number");
        fx.assert_log_verifies();
    }
}

/// Totals and the assets a vulnerability affects are kept between requests only while nothing
/// changes: a change through the API, or through the command line on the same database, shows
/// in the very next request.
#[test]
fn each_change_shows_in_the_next_request() {
    for mut fx in fixtures() {
        let total = |fx: &Fixture, query: &str| {
            let r = fx.get(&format!("/api/v1/findings{query}"), &fx.auth("gh-analyst"));
            assert_eq!(r.status, 200, "{}: {}", fx.backend, r.body);
            r.json()["total"].as_u64().unwrap()
        };
        let gh = |ids: &[&str]| ids.iter().map(|a| format!("{GH}/{a}")).collect::<Vec<_>>();
        let gh1_affected = format!("?asset={}&status=affected", enc("General Hospital/gh-1"));
        for _ in 0..2 {
            assert_eq!(total(&fx, "?status=affected"), 2, "{}", fx.backend);
            assert_eq!(total(&fx, &gh1_affected), 1, "{}", fx.backend);
            assert_eq!(fx.affected("gh-analyst"), gh(&["gh-1", "gh-2", "gh-3"]));
        }
        // Through the API: the pump finding is fixed on gh-1.
        let r = fx.json(
            "POST",
            &format!("/api/v1/findings/{}/decisions", fx.pump),
            &fx.auth("gh-analyst"),
            json!({"status": "fixed", "asset": "General Hospital/gh-1"}),
        );
        expect(&fx, &r, 201, "fixed on gh-1");
        assert_eq!(fx.affected("gh-analyst"), gh(&["gh-2", "gh-3"]));
        assert_eq!(total(&fx, &gh1_affected), 0, "{}", fx.backend);
        assert_eq!(total(&fx, "?status=affected"), 2, "{}", fx.backend);
        // Through the command line: the pump release is not affected at all.
        fx.store
            .decide(&baton_store::DecisionInput {
                finding: fx.pump,
                asset: None,
                status: "not_affected".into(),
                justification: Some("component_not_present".into()),
                note: None,
                by: "operator".into(),
            })
            .unwrap();
        assert_eq!(total(&fx, "?status=affected"), 1, "{}", fx.backend);
        assert_eq!(fx.affected("gh-analyst"), gh(&["gh-3"]));
        fx.assert_log_verifies();
    }
}

/// VEX uploaded by a hospital speaks for that hospital only, whatever publisher it names.
#[test]
fn uploaded_vex_speaks_only_for_the_uploader() {
    for mut fx in fixtures() {
        let pump = fx.pump;
        let status = |fx: &Fixture, key: &str, spec: &str| {
            let r = fx.get(
                &format!("/api/v1/findings?asset={}", enc(spec)),
                &fx.auth(key),
            );
            assert_eq!(r.status, 200, "{}", r.body);
            r.json()["items"][0]["status"].as_str().unwrap().to_string()
        };
        let acme_before =
            fx.get("/api/v1/findings", &fx.auth("acme-viewer")).json()["items"][0]["status"]
                .clone();
        assert_eq!(status(&fx, "cc-viewer", "City Clinic/cc-1"), "affected");
        let vex = r#"{
  "document": {"category": "csaf_vex", "csaf_version": "2.0", "title": "spoofed",
    "publisher": {"category": "vendor", "name": "Acme Medical", "namespace": "https://acme.example"},
    "tracking": {"id": "GH-VEX-1", "status": "final", "version": "1", "initial_release_date": "2026-02-01T00:00:00Z",
      "current_release_date": "2026-02-01T00:00:00Z", "revision_history": [{"number": "1", "date": "2026-02-01T00:00:00Z", "summary": "s"}]}},
  "product_tree": {"branches": [
    {"category": "vendor", "name": "Acme Medical", "branches": [{"category": "product_name", "name": "Pump 9",
      "branches": [{"category": "product_version", "name": "1.0", "product": {"product_id": "P1", "name": "Acme Medical Pump 9 1.0"}}]}]}]},
  "vulnerabilities": [{"cve": "CVE-2026-0001", "product_status": {"known_not_affected": ["P1"]},
    "flags": [{"label": "vulnerable_code_not_in_execute_path", "product_ids": ["P1"]}]}]
}"#;
        let r = fx.send(
            "POST",
            "/api/v1/advisories?file=gh-vex.json",
            &fx.auth("gh-analyst"),
            Some(("application/json", vex.as_bytes().to_vec())),
        );
        expect(&fx, &r, 200, "GH uploads VEX naming Acme as publisher");
        // City Clinic's asset and Acme's release are untouched.
        assert_eq!(status(&fx, "cc-viewer", "City Clinic/cc-1"), "affected");
        let acme_after =
            fx.get("/api/v1/findings", &fx.auth("acme-viewer")).json()["items"][0]["status"]
                .clone();
        assert_eq!(acme_before, acme_after);
        let r = fx.get(
            &format!("/api/v1/findings/{pump}/decisions"),
            &fx.auth("cc-viewer"),
        );
        assert!(!r.body.contains("General Hospital"), "{}", r.body);
        fx.assert_log_verifies();
    }
}

/// An organization's upload cannot supersede another publisher's advisory (same source and id)
/// for everyone: General Hospital cannot "retract" Acme's ACME-1.
#[test]
fn a_hospital_cannot_supersede_a_manufacturers_advisory() {
    for mut fx in fixtures() {
        let before = fx.findings("cc-viewer", "");
        assert_eq!(before.len(), 3);
        let forged = ADVISORY
            .replace("2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z")
            .replace("\"version\": \"1\"", "\"version\": \"2\"")
            .replace(
                r#""product_status": {"known_affected": ["P1", "P2", "P3"]}"#,
                r#""product_status": {"known_not_affected": ["P1", "P2", "P3"]}"#,
            );
        let r = fx.send(
            "POST",
            "/api/v1/advisories?file=acme.json",
            &fx.auth("gh-analyst"),
            Some(("application/json", forged.into_bytes())),
        );
        assert!(r.status == 200 || r.status == 403, "{}", r.body);
        let after = fx.findings("cc-viewer", "");
        assert_eq!(
            before, after,
            "{}: General Hospital's upload changed City Clinic's findings",
            fx.backend
        );
        fx.assert_log_verifies();
    }
}

/// An asset of an organization that does not exist is answered exactly as one of an organization
/// that does, so a signed-in user cannot probe which hospitals use the service.
#[test]
fn asset_filters_do_not_reveal_which_organizations_exist() {
    for fx in fixtures() {
        let message = |spec: &str| {
            let r = fx.get(
                &format!("/api/v1/findings?asset={}", enc(spec)),
                &fx.auth("gh-admin"),
            );
            assert_eq!(r.status, 404, "{}: {spec}: {}", fx.backend, r.body);
            r.json()["error"]["message"]
                .as_str()
                .unwrap()
                .replace(spec, "SPEC")
        };
        assert_eq!(
            message("City Clinic/cc-1"),
            message("Nowhere Clinic/cc-1"),
            "{}",
            fx.backend
        );
    }
}

// ---- sessions ----------------------------------------------------------------------------------

#[test]
fn sessions_need_csrf_and_end_at_logout() {
    for mut fx in fixtures() {
        let pump = fx.pump;
        let (cookie, csrf) = fx.login("gh-analyst");
        let bare = Auth::Session {
            cookie: cookie.clone(),
            csrf: None,
        };
        let with = Auth::Session {
            cookie: cookie.clone(),
            csrf: Some(csrf.clone()),
        };
        let wrong = Auth::Session {
            cookie: cookie.clone(),
            csrf: Some("x".repeat(csrf.len())),
        };

        // Safe methods need no CSRF token; /me gives it back.
        let r = fx.get("/api/v1/me", &bare);
        expect(&fx, &r, 200, "me with the cookie");
        assert_eq!(r.json()["csrf_token"], csrf);
        assert_eq!(r.json()["organization"], GH);
        expect(
            &fx,
            &fx.get("/api/v1/assets", &bare),
            200,
            "assets with the cookie",
        );

        // Unsafe methods need it.
        let body = json!({"expires_days": 1});
        for auth in [&bare, &wrong] {
            let r = fx.json("POST", "/api/v1/tokens", auth, body.clone());
            expect(&fx, &r, 403, "token without CSRF");
            assert_eq!(r.error_code(), "csrf_failed");
            let r = fx.json(
                "POST",
                &format!("/api/v1/findings/{pump}/decisions"),
                auth,
                json!({"status": "under_investigation", "asset": "General Hospital/gh-1"}),
            );
            assert_eq!(r.error_code(), "csrf_failed", "{}", r.body);
        }
        let r = fx.json("POST", "/api/v1/tokens", &with, body.clone());
        expect(&fx, &r, 201, "token with CSRF");
        let r = fx.json(
            "POST",
            &format!("/api/v1/findings/{pump}/decisions"),
            &with,
            json!({"status": "under_investigation", "asset": "General Hospital/gh-1"}),
        );
        expect(&fx, &r, 201, "decision with CSRF");
        assert_eq!(r.json()["decided_by"], email("gh-analyst"));
        // Another session's CSRF token does not fit this one.
        let (viewer_cookie, viewer_csrf) = fx.login("cc-viewer");
        let crossed = Auth::Session {
            cookie: cookie.clone(),
            csrf: Some(viewer_csrf.clone()),
        };
        let r = fx.json("POST", "/api/v1/tokens", &crossed, body.clone());
        assert_eq!(r.error_code(), "csrf_failed");
        // A viewer's session with the right token is still only a viewer.
        let viewer = Auth::Session {
            cookie: viewer_cookie,
            csrf: Some(viewer_csrf),
        };
        let r = fx.json(
            "POST",
            &format!("/api/v1/findings/{pump}/decisions"),
            &viewer,
            json!({"status": "under_investigation", "asset": "City Clinic/cc-1"}),
        );
        expect(&fx, &r, 403, "viewer session decides");
        assert_eq!(r.error_code(), "forbidden");

        // Logging out needs the token too, then ends the session.
        let r = fx.send("POST", "/api/v1/auth/logout", &bare, None);
        assert_eq!(r.error_code(), "csrf_failed");
        expect(&fx, &fx.get("/api/v1/me", &bare), 200, "still signed in");
        let r = fx.send("POST", "/api/v1/auth/logout", &with, None);
        expect(&fx, &r, 204, "logout");
        let cleared: Vec<&str> = r
            .headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert!(
            cleared
                .iter()
                .any(|c| c.starts_with("baton_session=;") && c.contains("Max-Age=0")),
            "{cleared:?}"
        );
        expect(&fx, &fx.get("/api/v1/me", &bare), 401, "after logout");
        let r = fx.json("POST", "/api/v1/tokens", &with, body.clone());
        expect(&fx, &r, 401, "unsafe after logout");

        // Wrong passwords and unknown users look alike.
        let failed = |fx: &Fixture, e: &str| {
            let r = fx.json(
                "POST",
                "/api/v1/auth/login",
                &Auth::Anonymous,
                json!({"email": e, "password": "not the password"}),
            );
            assert_eq!(r.status, 401, "{}", r.body);
            assert!(r.headers.get("set-cookie").is_none());
            r.json()["error"].clone()
        };
        assert_eq!(
            failed(&fx, &email("gh-analyst")),
            failed(&fx, "nobody@example.test")
        );
        // Passwordless users (OpenID Connect only) cannot sign in with one.
        let _ = failed(&fx, &email("gh-admin"));

        let events = fx.events();
        let count = |action: &str, actor: &str| {
            events
                .iter()
                .filter(|e| e.1 == action && e.0 == actor)
                .count()
        };
        assert_eq!(count("login.success", &email("gh-analyst")), 1);
        assert_eq!(count("logout", &email("gh-analyst")), 1);
        assert_eq!(count("login.failure", "anonymous"), 3);
        assert!(
            events
                .iter()
                .any(|e| e.1 == "login.failure" && e.2 == "nobody@example.test")
        );
        fx.assert_refused(&email("gh-analyst"), "POST /api/v1/tokens", "403");
        fx.assert_refused(&email("gh-analyst"), "POST /api/v1/auth/logout", "403");
        fx.assert_refused(
            &email("cc-viewer"),
            &format!("POST /api/v1/findings/{pump}/decisions"),
            "403",
        );
        fx.assert_refused("anonymous", "GET /api/v1/me", "invalid credentials");
        // No password, session secret or CSRF token in the log.
        let text = format!("{events:?}");
        assert!(!text.contains(PASSWORD) && !text.contains("not the password"));
        assert!(
            !text.contains(&csrf)
                && !text.contains(cookie.split('=').nth(1).unwrap().split(';').next().unwrap())
        );
        fx.assert_log_verifies();
    }
}

#[test]
fn failed_logins_are_limited_and_logged() {
    let limits = LoginLimits {
        max_failures: 3,
        window: Duration::from_secs(600),
        max_keys: 1000,
    };
    for db in testing::all() {
        let mut fx = Fixture::new(db, limits);
        let attempt = |fx: &Fixture, e: &str, password: &str| {
            fx.json(
                "POST",
                "/api/v1/auth/login",
                &Auth::Anonymous,
                json!({"email": e, "password": password}),
            )
        };
        let target = email("cc-viewer");
        for _ in 0..3 {
            expect(
                &fx,
                &attempt(&fx, &target, "wrong password!"),
                401,
                "a failure",
            );
        }
        // Over the limit: refused before the password is looked at, even the right one.
        for password in ["wrong password!", PASSWORD] {
            let r = attempt(&fx, &target, password);
            expect(&fx, &r, 429, "over the limit");
            assert_eq!(r.error_code(), "too_many_requests");
            let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
            assert!((1..=600).contains(&retry), "{retry}");
            assert!(r.headers.get("set-cookie").is_none());
        }
        // The same client trying another account is refused too (password spraying).
        expect(
            &fx,
            &attempt(&fx, &email("gh-analyst"), PASSWORD),
            429,
            "another account",
        );
        // Tokens are not affected.
        expect(
            &fx,
            &fx.get("/api/v1/me", &fx.auth("cc-viewer")),
            200,
            "token",
        );

        let events = fx.events();
        let failures = events
            .iter()
            .filter(|e| e.1 == "login.failure" && e.2 == target)
            .count();
        assert_eq!(
            failures, 3,
            "{}: each checked failure is logged",
            fx.backend
        );
        assert!(
            !events.iter().any(|e| e.1 == "login.success"),
            "no sign-in got through"
        );
        fx.assert_log_verifies();
    }
}

/// A provider reads back the decisions (its own and the hospital's) on the assets an agreement
/// assigns it.
#[test]
fn a_provider_reads_back_decisions_on_its_assigned_assets() {
    for fx in fixtures() {
        let monitor = fx.monitor;
        let r = fx.decide("svc-analyst", monitor, Some("City Clinic/cc-2"));
        expect(&fx, &r, 201, "provider decides on an assigned asset");
        let r = fx.get(
            &format!("/api/v1/findings/{monitor}/decisions"),
            &fx.auth("svc-viewer"),
        );
        expect(&fx, &r, 200, "provider reads decisions");
        assert!(
            r.body.contains("by svc-analyst"),
            "{}: the provider's own decision is missing: {}",
            fx.backend,
            r.body
        );
    }
}

/// Sign-in attempts refused by the limiter (429) are in the audit log, so a password-guessing
/// run past the limit shows there and in the SIEM stream.
#[test]
fn rate_limited_logins_are_logged() {
    let limits = LoginLimits {
        max_failures: 1,
        window: Duration::from_secs(600),
        max_keys: 1000,
    };
    let db = testing::sqlite();
    let mut fx = Fixture::new(db, limits);
    let target = email("cc-viewer");
    for status in [401, 429, 429] {
        let r = fx.json(
            "POST",
            "/api/v1/auth/login",
            &Auth::Anonymous,
            json!({"email": target, "password": "wrong password!"}),
        );
        expect(&fx, &r, status, "attempt");
    }
    let naming = fx
        .events()
        .into_iter()
        .filter(|e| {
            (e.1.starts_with("login.") || e.1 == "access.refused")
                && (e.2 == target || e.2.contains("/auth/login"))
        })
        .count();
    assert_eq!(naming, 3, "one failure and two refusals should be logged");
}
