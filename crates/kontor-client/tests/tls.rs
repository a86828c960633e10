//! TLS: the client speaks https to the portal and checks its certificate; one it cannot trace to a trusted
//! root (here a self-signed one, in `data/`, made with openssl for `localhost`) is refused.

use std::sync::Arc;

use kontor_client::{ClientError, PortalClient};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

#[tokio::test]
async fn a_certificate_without_a_trusted_root_is_refused() {
    let cert = CertificateDer::from(include_bytes!("data/self-signed.cert.der").to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        include_bytes!("data/self-signed.key.der").to_vec(),
    ));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        acceptor
            .accept(tcp)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    });

    let client = PortalClient::new(&format!("https://localhost:{port}")).unwrap();
    let err = client.info().await.unwrap_err();
    assert!(matches!(err, ClientError::Network(_)), "{err:?}");
    // The handshake reached the certificate and the client broke it off with an alert.
    let handshake = server.await.unwrap();
    let server_saw = handshake.unwrap_err();
    assert!(server_saw.contains("alert"), "server side: {server_saw}");
}
