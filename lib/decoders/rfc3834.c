/*
 * rfc3834.c - automatic replies (vacation, out of office).
 *
 * Bounces carry "Auto-Submitted: auto-replied" too, so this decoder only
 * claims a message weakly, and only when it has no delivery-status part:
 * every bounce decoder is tried before it.
 */
#include <stdlib.h>
#include <string.h>

#include "../addr.h"
#include "../text.h"
#include "../util.h"
#include "../smtp.h"
#include "common.h"
#include "decoder.h"

static const char *const subject_marks[] = {
	"out of office", "out of the office", "automatic reply", "auto reply", "autoreply",
	"auto-reply", "away from", "vacation", "on leave", "abwesenheit", "abwesend",
	"automatische antwort", "réponse automatique", "absence", "risposta automatica",
	"respuesta automática", "fuera de la oficina", "resposta automática", "afwezig",
	"automatisch antwoord", "自動応答", "不在", "自动回复", "away until", "auto:",
};

/* A help desk's acknowledgement that it received the mail and opened a
 * ticket: an automatic reply, whatever the subject it answers says ("Re:
 * Delivery failed ...").  Read in the report's text. */
static bool ticket_ack(const bw_msg *m)
{
	static const char *const acks[] = { "received your request", "received your message",
		"received your e-mail", "received your email", "opened ticket", "opened a ticket",
		"ticket has been created", "ticket has been opened", "a ticket was opened",
		"ticket number", "thank you for contacting", "thanks for contacting",
		"ihre anfrage ist eingegangen", "ihre nachricht ist eingegangen", "vorgangsnummer",
		"ticketnummer", "avons bien reçu votre", "numéro de ticket", "hemos recibido su",
		"número de ticket", "abbiamo ricevuto la sua", "recebemos a sua" };

	return bw_text__find_any(m->body, bw_text__report_length(m), acks,
	                         sizeof(acks) / sizeof(acks[0]), NULL) != NULL;
}

/* A forwarding service's notice that the forward failed, quoting the
 * target server's refusal ("... could not be forwarded ... 550 5.7.1 ..."):
 * auto-submitted, but a bounce about the forwarding target. */
static bool forward_failed(const bw_msg *m)
{
	static const char *const words[] = { "could not be forwarded", "couldn't be forwarded",
		"could not forward", "unable to forward", "failed to forward", "could not pass it on",
		"tried to pass it on", "forwarding failed", "no se pudo reenviar", "reenviarse a",
		"mensaje reenviado", "konnte nicht weitergeleitet", "weiterleitung fehlgeschlagen",
		"n'a pas pu être transféré", "transfert a échoué", "non è stato possibile inoltrare",
		"inoltro non riuscito", "não foi possível reencaminhar", "kon niet worden doorgestuurd" };
	size_t len = bw_text__report_length(m);

	return bw_text__find_any(m->body, len, words, sizeof(words) / sizeof(words[0]), NULL) &&
	       bw_smtp__has_failure_code(m->body, len);
}

/* Bounces are auto-replied too: these say "delivery failure", not "away". */
static bool bounce_like(const bw_msg *m)
{
	static const char *const from_marks[] = { "mailer-daemon", "postmaster", "mail delivery",
		"mail administrator", "mailer_daemon" };
	static const char *const subject_bounce[] = { "undeliver", "delivery fail", "failure notice",
		"returned mail", "delivery status", "mail delivery", "non-delivery", "nondelivery",
		"not delivered", "could not be delivered", "delivery problem", "failed delivery",
		"rejected", "delivery notification", "too large", "too big", "not distributed",
		"not be distributed", "not forwarded", "not be forwarded", "blocked", "quarantined",
		"refused", "not accepted", "delayed mail", "delivery delayed", "warning: delayed" };
	const char *from = bw_msg__header(m, "From");
	const char *subject = bw_msg__header(m, "Subject");
	size_t i, n;

	for (i = 0; from && i < sizeof(from_marks) / sizeof(from_marks[0]); i++)
		if (bw_strcasestr(from, from_marks[i]))
			return true;
	if (bw_msg__header(m, "X-Failed-Recipients"))
		return true;
	/* "Out of Office: Delivery failed for order 5521?": an auto-reply's
	 * own mark first, then the subject it answers */
	for (i = 0; subject && i < sizeof(subject_marks) / sizeof(subject_marks[0]); i++)
		if (bw_startswith_ci(subject, subject_marks[i]))
			return false;
	/* the words of the subject being answered ("Re: ...") are not the
	 * notice's own */
	n = subject ? strlen(subject) : 0;
	for (i = 0; i + 3 <= n; i++)
		if (bw_strncasecmp(subject + i, "re:", 3) == 0 &&
		    (i == 0 || !bw_isalnum((unsigned char)subject[i - 1]))) {
			n = i;
			break;
		}
	for (i = 0; n && i < sizeof(subject_bounce) / sizeof(subject_bounce[0]); i++)
		if (bw_memcasemem(subject, n, subject_bounce[i]))
			return true;
	return n && bw_sniff__bounce_subject(m);
}

/* Does the start of the text say it is an automatic reply ("This is an
 * automatic reply", "这是来自QQ邮箱的假期自动回复邮件"), or that its author is
 * away and will answer on return ("out of the office ... when I return")?
 * What an auto-reply without its headers (forwarded, pasted, or sent by a
 * client that marks nothing) still says. */
static bool text_says_away(const bw_msg *m)
{
	static const char *const automatic[] = { "automatic reply", "automated reply", "auto-reply",
		"autoreply", "auto reply", "automatic response", "automated response",
		"automatically generated reply", "自动回复", "自動回覆", "自動返信", "自動応答",
		"automatische antwort", "réponse automatique", "respuesta automática",
		"risposta automatica", "resposta automática", "automatisch antwoord",
		"automatyczna odpowiedź", "автоматический ответ", "자동 응답",
		/* an acknowledgement or a responder of a mailbox nobody reads */
		"邮件已经收到", "邮件已收到", "已收到您的邮件", "已收到你的邮件", "来信已收到",
		"邮件我已收到", "邮件我已经收到", "我已收到您的邮件", "我已收到你的邮件",
		"信件已经收到", "信件已收到", "来信收到", "来信已经收到",
		"your email has been received", "your e-mail has been received",
		"your message has been received", "your mail has been received",
		"ihre e-mail ist eingegangen", "ihre nachricht ist eingegangen",
		"votre message a bien été reçu", "votre e-mail a bien été reçu",
		"su mensaje ha sido recibido", "su correo ha sido recibido",
		"la tua email è stata ricevuta", "il tuo messaggio è stato ricevuto",
		"sua mensagem foi recebida", "seu e-mail foi recebido",
		"will not be responded to", "will not receive a response", "is not monitored",
		"is no longer monitored", "not being monitored", "unattended mailbox",
		/* the author's date of return ("Ich bin am 17. Juli wieder im Büro",
		 * "I'll be back at the office on June 17th") */
		"wieder im büro", "back at the office on", "back in the office on", "back in office on",
		"de retour au bureau le", "de vuelta en la oficina el",
		/* "Ich bin bis einschließlich 27. August nicht in der Agentur" */
		"ich bin bis", "bin bis einschließlich", "bin bis zum" };
	static const char *const away[] = { "out of the office", "out of office", "on vacation",
		"on holiday", "on leave", "away from the office", "away from my desk", "休假", "不在",
		"abwesend", "nicht im büro", "absent du bureau", "en congé", "en vacances",
		"fuera de la oficina", "de vacaciones", "fuori ufficio", "in ferie",
		"fora do escritório", "de férias", "afwezig", "niet op kantoor", "poza biurem",
		"na urlopie", "в отпуске", "휴가", "out of my office", "currently unavailable",
		"currently away" };
	static const char *const back[] = { "return", "back on", "back in", "will respond", "until",
		"during my absence", "in my absence", "while i am away", "while i'm away",
		"will reply", "will get back", "limited access", "no access to", "not have access",
		"尽快", "回复", "zurück", "de retour", "a mi regreso", "al mio rientro", "no meu regresso",
		"rückkehr", "terug", "po powrocie", "после возвращения", "복귀" };
	/* thanks for the mail and a promise to answer: an acknowledgement
	 * ("Thanks for your letter. I'll write back as soon as I can",
	 * "我已经收到你的邮件，我稍后会给你回复") */
	static const char *const thanks[] = { "thank you for your email", "thank you for your e-mail",
		"thanks for your email", "thank you for your letter", "thanks for your letter",
		"thank you for your message", "thanks for your message", "感谢您的来信", "感谢你的来信",
		"您的邮件", "你的邮件", "已收到", "已经收到", "收到后", "您发来的邮件", "你发来的邮件" };
	static const char *const promise[] = { "as soon as i can", "as soon as possible",
		"will respond", "will reply", "will write back", "be responding", "get back to you",
		"尽快", "回复", "答复", "处理" };
	size_t len = bw_text__report_length(m), n;
	char *flat;
	bool says;

	if (len > 1500)
		len = 1500;
	if (bw_sniff__quotes_failure_reply(m->body, len) || !(flat = bw_squeeze_dup(m->body, len)))
		return false;
	/* read with its lines joined: "nicht\nim Büro" */
	n = strlen(flat);
	says = bw_text__find_any(flat, n, automatic, sizeof(automatic) / sizeof(automatic[0]), NULL) ||
	       (bw_text__find_any(flat, n, away, sizeof(away) / sizeof(away[0]), NULL) &&
	        bw_text__find_any(flat, n, back, sizeof(back) / sizeof(back[0]), NULL)) ||
	       (bw_text__find_any(flat, n, thanks, sizeof(thanks) / sizeof(thanks[0]), NULL) &&
	        bw_text__find_any(flat, n, promise, sizeof(promise) / sizeof(promise[0]), NULL));
	free(flat);
	return says;
}

/* Is m a multipart/report of a delivery status (RFC 3462; "delivery-status"
 * or "global-delivery-status"), whatever parts it still has? */
static bool says_delivery_report(const bw_msg *m)
{
	return strcmp(m->content_type, "multipart/report") == 0 && bw_strcasestr(m->report_type, "delivery-status");
}

/* Does the notice, from no mail system, open by calling itself an
 * automated response to the reader's mail ("Thank you for writing x@y.
 * This is an automated response to the email you sent to this address")?
 * Then a bounce's subject it carries ("Returned mail: see transcript for
 * details", the subject of the mail it answers) does not make it one. */
static bool declares_itself(const bw_msg *m)
{
	static const char *const says[] = { "this is an automated response",
		"this is an automatic response", "this is an automated reply", "this is an automatic reply",
		"this is an auto-reply", "this is an autoreply", "this is an auto-generated response" };
	size_t len = bw_text__report_length(m);

	if (len > 600)
		len = 600;
	return !bw_sniff__from_daemon(m) && !bw_sniff__quotes_failure_reply(m->body, bw_text__report_length(m)) &&
	       bw_text__find_any(m->body, len, says, sizeof(says) / sizeof(says[0]), NULL) != NULL;
}

static int sniff(const bw_msg *m, const bw_found *f)
{
	const char *as = bw_msg__header(m, "Auto-Submitted");
	const char *subject = bw_msg__header(m, "Subject");
	const char *prec = bw_msg__header(m, "Precedence");
	size_t i;

	/* a challenge-response request is not an auto-reply to keep; a
	 * message that calls itself a delivery report (an Exchange NDR's
	 * header, multipart/report of a delivery status) is not one either,
	 * even with its status part lost */
	if (m->dsn.n || m->feedback || bw_sniff__challenge(m->body, m->body_len) || forward_failed(m) ||
	    bw_msg__header(m, "X-MS-Exchange-Message-Is-Ndr") || says_delivery_report(m))
		return 0;
	/* an acknowledgement quotes no server's failure reply; a notice that
	 * does is about a failure, whatever it says about tickets (from a
	 * postmaster desk too, when it says nothing failed) */
	if (ticket_ack(m) && (!bw_sniff__from_daemon(m) || !bw_decoders__says_failure(m)) &&
	    !bw_sniff__quotes_failure_reply(m->body, bw_text__report_length(m)))
		return BW_SNIFF_SLIGHT;
	if (bounce_like(m) && !declares_itself(m))
		return 0;
	if (bw_msg__header(m, "X-Autoreply") || bw_msg__header(m, "X-Autorespond") ||
	    (prec && bw_strcasestr(prec, "auto_reply")))
		return BW_SNIFF_TRACE;
	if (as && bw_strcasestr(as, "auto-replied"))
		return BW_SNIFF_SLIGHT;
	if (subject)
		for (i = 0; i < sizeof(subject_marks) / sizeof(subject_marks[0]); i++)
			if (bw_strcasestr(subject, subject_marks[i]))
				return BW_SNIFF_FAINT;
	return text_says_away(m) ? BW_SNIFF_FAINT : 0;
}

/* The first address in header `name` when it is neither `from` nor the
 * reply's own To: (NULL otherwise; the caller frees it). */
static char *other_address(const bw_msg *m, const char *name, const char *from)
{
	const char *v = bw_msg__header(m, name), *to = bw_msg__header(m, "To");
	char *a = v ? bw_text__first_address(v, strlen(v)) : NULL;

	if (a && ((from && bw_strcasestr(from, a)) || (to && bw_strcasestr(to, a)))) {
		free(a);
		a = NULL;
	}
	return a;
}

/* The address the reply answers for.  Usually its sender; a
 * challenge-response service or a shared responder writes from an address
 * of its own and names the protected one: in X-Original-To (when that is
 * not the reply's own recipient), in the subject ("Please confirm your
 * message to x@y") or in the sender's display name ("Spam Guard for
 * x@y <confirm@...>"). */
static char *replied_for(const bw_msg *m)
{
	const char *from = bw_msg__header(m, "From");
	char *from_addr = from ? bw_addr__normalize(from, strlen(from)) : NULL;
	char *a;

	if (!(a = other_address(m, "X-Original-To", from_addr)) &&
	    !(a = other_address(m, "Subject", from_addr)) && from) {
		const char *lt = strchr(from, '<');
		char *shown = lt ? bw_text__first_address(from, (size_t)(lt - from)) : NULL;
		if (shown && from_addr && bw_strcasecmp(shown, from_addr) != 0)
			a = shown;
		else
			free(shown);
	}
	if (a) {
		free(from_addr);
		return a;
	}
	return from_addr;
}

static int decode(const bw_msg *m, bw_report *r)
{
	bw_recipient *rc;
	char *a = replied_for(m);

	if (!(rc = bw_report__add_recipient(r))) {
		free(a);
		return 0;
	}
	bw_recipient__set(rc, BW_RCPT_RECIPIENT, a);
	bw_recipient__set(rc, BW_RCPT_REASON, "vacation");
	bw_recipient__set(rc, BW_RCPT_DIAGNOSTIC, bw_msg__header(m, "Subject"));
	bw_recipient__evidence(rc, "automatic reply (RFC 3834): not a failure");
	rc->permanent = 0;
	rc->hard_bounce = 0;
	free(a);
	r->kind = BW_KIND_AUTOREPLY;
	r->kind_set = true;
	return 1;
}

const bw_decoder bw_decoder_rfc3834 = { "rfc3834", sniff, decode, false, NULL, 0 };
