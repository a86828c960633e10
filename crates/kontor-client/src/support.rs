//! support9: the vendor's help links and the signed-in user's support tickets; support9b: one attachment.

use kontor_api::{HelpLinks, NewTicket, Ticket, TicketList};

use crate::{check, network, seg, ClientError, PortalClient};

impl PortalClient {
    /// The vendor's help links.
    pub async fn help_links(&self, access_token: &str) -> Result<HelpLinks, ClientError> {
        self.get("/help", access_token).await
    }

    /// The signed-in user's own tickets, newest first.
    pub async fn support_tickets(
        &self,
        access_token: &str,
        account_id: &str,
    ) -> Result<TicketList, ClientError> {
        self.get(
            &format!("/accounts/{account_id}/support/tickets"),
            access_token,
        )
        .await
    }

    /// Files a support ticket (attachments base64 in the body, at most 10 MB decoded).
    pub async fn create_support_ticket(
        &self,
        access_token: &str,
        account_id: &str,
        req: &NewTicket,
    ) -> Result<Ticket, ClientError> {
        self.post(
            &format!("/accounts/{account_id}/support/tickets"),
            Some(access_token),
            req,
        )
        .await
    }

    /// support9b: the bytes of attachment `index` (its place in `Ticket::attachments`, from 0) of the
    /// signed-in user's own ticket.
    pub async fn support_attachment(
        &self,
        access_token: &str,
        account_id: &str,
        ticket_id: &str,
        index: u32,
    ) -> Result<Vec<u8>, ClientError> {
        let url = self.url(&format!(
            "/accounts/{}/support/tickets/{}/attachments/{index}",
            seg(account_id),
            seg(ticket_id)
        ));
        let resp = check(
            self.files
                .get(url)
                .bearer_auth(access_token)
                .send()
                .await
                .map_err(network)?,
        )
        .await?;
        Ok(resp.bytes().await.map_err(network)?.to_vec())
    }
}
