#!/usr/bin/env python3
"""Fresh synthetic LLM production traffic with planted failures (standard library only).

Domain: Halyard Cloud, a fictional app-hosting / developer-platform company (deploys, custom
domains, managed Postgres, SSO, billing).  Four LLM features:
  support_chat     help-desk chat for customers (billing, deploy errors, DNS, TLS, SSO, 2FA, ...)
  incident_digest  summarizer; `input` is the document (postmortems, ops syncs, call notes,
                   retros, security reviews, capacity/vendor/release planning, on-call handoffs)
  docs_answer      RAG question answering over the knowledge base; `context` = retrieved passage(s)
  reply_drafter    drafts customer e-mails for account managers (refunds, renewals, apologies, ...)
Models: halyard-pro-2, halyard-flash-2, osprey-13b-instruct.  Prompt versions r14 -> r15 -> r16
(r16 is a canary from the third week).  Traffic spans ISO weeks 44-47 of 2026
(2026-10-26T00:00Z .. 2026-11-23T00:00Z) with weekday/hour-of-day patterns.  On one weekday
(chosen from the seed, printed) one model is 3x slower.

Planted failure modes (truth.csv, empty = normal), each ~2.5-3% of traffic, ~1/5 in the last week:
  refusal           refuses an ordinary in-scope request (many phrasings, optional topic prefix)
  wrong_language    reply in es/de/fr/it/pt (real translations) although the input is English
  rude_tone         condescending / rude but on-topic reply
  invented_numbers  summary/answer with figures found nowhere in input or context
  truncated         cut mid-sentence, finish_reason "length", output_tokens == max_tokens cap
Noise: normal replies quote numbers from the input, apologise politely, quote short foreign words,
are sometimes long; user feedback events (events.jsonl) correlate with failures only loosely.

Usage: python datasets/generate_fresh.py [--seed 11] [--n 3000] --out DIR
Writes DIR/interactions.jsonl, DIR/events.jsonl, DIR/truth.csv.  Deterministic per seed.
"""

import argparse
import csv
import json
import os
import random
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

START = datetime(2026, 10, 26, tzinfo=UTC)  # Monday of ISO week 44
NDAYS, LAST_WEEK = 28, 21
MODES = ["wrong_language", "invented_numbers", "truncated", "refusal", "rude_tone"]
RATES = {"refusal": 0.03, "wrong_language": 0.025, "rude_tone": 0.025, "invented_numbers": 0.03, "truncated": 0.028}
MODELS = {  # base ms, ms per input token, ms per output token, $ per 1k input / output tokens
    "halyard-pro-2": dict(base=620, cin=0.11, cout=34, pin=0.0030, pout=0.0150),
    "halyard-flash-2": dict(base=240, cin=0.04, cout=9.5, pin=0.00025, pout=0.0010),
    "osprey-13b-instruct": dict(base=410, cin=0.07, cout=17, pin=0.00015, pout=0.0006),
}
FEATURES = {
    "support_chat": dict(share=0.40, cap=256, models={"halyard-flash-2": 0.6, "osprey-13b-instruct": 0.4}),
    "incident_digest": dict(share=0.20, cap=512, models={"halyard-pro-2": 0.7, "halyard-flash-2": 0.3}),
    "docs_answer": dict(
        share=0.25, cap=256, models={"halyard-pro-2": 0.35, "halyard-flash-2": 0.45, "osprey-13b-instruct": 0.2}
    ),
    "reply_drafter": dict(share=0.15, cap=256, models={"halyard-flash-2": 0.5, "osprey-13b-instruct": 0.5}),
}
HOUR_W = [
    0.3,
    0.25,
    0.2,
    0.2,
    0.25,
    0.35,
    0.5,
    0.7,
    0.9,
    1,
    1,
    0.95,
    0.9,
    1,
    1.1,
    1.15,
    1.1,
    1,
    0.85,
    0.7,
    0.6,
    0.5,
    0.45,
    0.35,
]
LOCALES = {"en-US": 55, "en-GB": 15, "en-IN": 8, "de-DE": 6, "fr-FR": 5, "es-ES": 4, "pt-BR": 4, "it-IT": 3}
CHANNELS = {"web": 60, "slack": 15, "vscode": 15, "cli": 10}

FIRST = "Priya Mateo Hannah Kwame Yuki Olivia Tomasz Aisha Liam Sofia Arjun Noah Elena Dmitri Grace Omar Chloe Felix Nadia Ben Ingrid Ravi Lucia Sam Zanele Marco".split()
LAST = "Okafor Lindqvist Tanaka Moreau Patel Schneider Alvarez Kowalski Nguyen O'Brien Haddad Rossi Fischer Mensah Costa Ward".split()
COMPANIES = [
    "Bluefin Analytics",
    "Pinecrest Labs",
    "Tallow & Finch",
    "Quarry Robotics",
    "Mosaic Health",
    "Northgate Freight",
    "Lumen Ledger",
    "Sprocket Studio",
    "Driftwood Games",
    "Cobalt Civic",
    "Harbor Pay",
    "Vellum Docs",
    "Kettle Logistics",
    "Ardent Bio",
]
AGENTS = ["Maya from Halyard Support", "Jonas Berg", "Tess Holloway", "Rafael Quint", "Amara Diallo", "Kenji Ito"]
PROJECTS = "orbit-api checkout-svc atlas-web ledger-worker pixel-cdn notify-hub search-indexer mobile-bff reports-cron auth-gateway".split()
REGIONS = "us-east-1 us-west-2 eu-west-1 eu-central-1 ap-southeast-1 ap-south-1 sa-east-1".split()
PLANS = ["Starter", "Team", "Business", "Enterprise"]
RUNTIMES = ["Node 20", "Node 22", "Python 3.12", "Go 1.23", "Ruby 3.3", "Java 21", "Deno 2"]
SERVICES = [
    "build runner",
    "edge cache",
    "managed Postgres",
    "object storage",
    "job scheduler",
    "log pipeline",
    "container registry",
    "load balancer",
]
IDPS = ["Okta", "Azure AD", "Google Workspace", "OneLogin", "JumpCloud"]
PKGS = ["@halyard/sdk", "left-pad", "numpy", "pg", "grpcio", "sharp", "openssl", "tzdata", "prisma", "rails"]
MONTHS = {
    "en": "January February March April May June July August September October November December",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
}
LOC_TEXT = {  # chat opener, chat closer, e-mail greeting, sign-off
    "es": ("¡Hola!", "¿Hay algo más en lo que pueda ayudarle?", "Hola", "Saludos cordiales"),
    "de": ("Hallo!", "Melden Sie sich gern, wenn Sie weitere Fragen haben.", "Hallo", "Viele Grüße"),
    "fr": ("Bonjour !", "N'hésitez pas à revenir vers moi si vous avez d'autres questions.", "Bonjour", "Cordialement"),
    "it": ("Salve!", "Mi faccia sapere se ha bisogno di altro.", "Gentile", "Cordiali saluti"),
    "pt": ("Olá!", "Se precisar de mais alguma coisa, é só avisar.", "Olá", "Atenciosamente"),
}


def fmt_date(d, lang="en"):
    m = MONTHS[lang].split()[d.month - 1]
    return {"en": f"{m} {d.day}", "de": f"{d.day}. {m}", "fr": f"{d.day} {m}", "it": f"{d.day} {m}"}.get(
        lang, f"{d.day} de {m}"
    )


def money(x):
    return f"${x:,.2f}"


def fill(t, s):
    return t.format_map(s)


# ----------------------------------------------------------------------------------------- topics
CHAT = [
    dict(
        key="invoice_charge",
        label="billing",
        log=False,
        q=[
            "Hi, I was charged {amount} on invoice {inv} but we're on the {plan} plan. That seems way too high, can you explain?",
            "why is invoice {inv} {amount}?? our usual bill is around {amount2}",
            "Hello, our finance team flagged invoice {inv} ({amount}). What are the line items for {project}?",
        ],
        out=[
            "I looked at invoice {inv}. The {amount} total is your {plan} base fee plus {gb} GB of egress overage from {project}. Every line item is listed under Billing → Invoices → {inv}. If the egress looks wrong, reply here and I'll open a billing review.",
            "The {amount} on {inv} comes mostly from usage above your {plan} allowance: {project} served {gb} GB of extra bandwidth this cycle. A spend cap in Billing → Limits will stop this from happening again, and I can request a one-time review if the traffic wasn't legitimate.",
            'Invoice {inv} ({amount}) includes a prorated charge for the {plan} plan plus {gb} GB of overage. On accounts with a de-DE locale the PDF labels the total as "Gesamtbetrag", in case your finance team asks. I can send a detailed usage export if that helps.',
        ],
        tr={
            "de": "Ich habe die Rechnung {inv} geprüft: Der Betrag von {amount} setzt sich aus der Grundgebühr für den {plan}-Tarif und {gb} GB zusätzlichem Datenverkehr von {project} zusammen. Alle Posten finden Sie unter Billing → Invoices.",
            "fr": "J'ai vérifié la facture {inv} : le montant de {amount} correspond à l'abonnement {plan} plus {gb} Go de trafic supplémentaire pour {project}. Vous trouverez le détail sous Billing → Invoices.",
            "es": "He revisado la factura {inv}: el importe de {amount} incluye la cuota base del plan {plan} más {gb} GB de tráfico adicional de {project}. Puede ver cada concepto en Billing → Invoices.",
        },
    ),
    dict(
        key="deploy_failed",
        label="deployments",
        log=True,
        q=[
            "My deploy of {project} keeps failing with error {err} on {runtime}. It worked fine yesterday and nothing changed on our side.",
            "build fails at the install step, code {err}. project {project}, runtime {runtime}. help",
            "Since this morning every push to {project} ends with {err}. We're blocked on a release, please advise.",
        ],
        out=[
            "Error {err} means the build container ran out of memory while installing dependencies. For {project} on {runtime}, raise the build size to Large in Settings → Build, or clear the build cache and redeploy. If it still fails, send me the deploy ID and I'll pull the full logs.",
            "That {err} error is usually a dependency install hitting the memory limit of the default builder. Clearing the cache for {project} and redeploying fixes most cases; if not, switching to the latest {runtime} builder image should do it.",
        ],
        tr={
            "es": "El error {err} indica que el contenedor de compilación se quedó sin memoria al instalar las dependencias. Para {project} con {runtime}, aumente el tamaño de compilación en Settings → Build o borre la caché y vuelva a desplegar.",
            "de": "Der Fehler {err} bedeutet, dass dem Build-Container beim Installieren der Abhängigkeiten der Speicher ausgegangen ist. Erhöhen Sie für {project} ({runtime}) die Build-Größe unter Settings → Build oder leeren Sie den Cache und deployen Sie erneut.",
            "pt": "O erro {err} significa que o contêiner de build ficou sem memória ao instalar as dependências. Para o {project} em {runtime}, aumente o tamanho do build em Settings → Build ou limpe o cache e faça o deploy novamente.",
        },
    ),
    dict(
        key="custom_domain",
        label="custom domains",
        log=False,
        q=[
            "How do I point {domain} at my app? I added the DNS record {hours} hours ago and it still doesn't resolve.",
            "custom domain {domain} has shown 'pending verification' for {hours}h now. what am I missing?",
            "We bought {domain} for the {project} launch on {date2}. Which DNS records do we need?",
        ],
        out=[
            "For {domain}, add a CNAME record pointing to {project}.halyard.app (or an ALIAS record if it's an apex domain). DNS changes can take up to 48 hours, but if it has been {hours} hours, check that an old A record isn't still in place; that's the most common blocker.",
            "Verification stays pending until we can see the CNAME for {domain} pointing to {project}.halyard.app. Run `dig {domain} CNAME` to confirm what resolvers see; once it's there the domain verifies within minutes and we issue the certificate automatically.",
        ],
        tr={
            "fr": "Pour {domain}, ajoutez un enregistrement CNAME qui pointe vers {project}.halyard.app. La propagation DNS peut prendre jusqu'à 48 heures ; après {hours} heures, vérifiez qu'un ancien enregistrement A n'est pas resté en place.",
            "it": "Per {domain}, aggiunga un record CNAME che punti a {project}.halyard.app. La propagazione DNS può richiedere fino a 48 ore; dopo {hours} ore, controlli che non sia rimasto un vecchio record A.",
            "es": "Para {domain}, añada un registro CNAME que apunte a {project}.halyard.app. La propagación DNS puede tardar hasta 48 horas; si ya han pasado {hours} horas, compruebe que no quede un registro A antiguo.",
        },
    ),
    dict(
        key="ssl_cert",
        label="TLS certificates",
        log=True,
        q=[
            "The TLS certificate for {domain} expired on {date} and auto-renew didn't kick in. Browsers are showing warnings!",
            "cert error on {domain}: NET::ERR_CERT_DATE_INVALID. we're on {plan}, this is urgent",
        ],
        out=[
            "Auto-renewal for {domain} failed because the CAA record on your DNS doesn't allow our certificate authority. Add a CAA entry for letsencrypt.org, then click Renew under Domains → {domain}; the new certificate is usually live within 10 minutes.",
            "Renewal for {domain} was blocked by a DNS validation failure on {date}. Once the CNAME points to halyard.app again, hit Renew in the Domains tab and the certificate is reissued automatically.",
        ],
    ),
    dict(
        key="rate_limit",
        label="API rate limits",
        log=True,
        q=[
            "We're hitting 429 Too Many Requests from the Halyard API at about {rpm} requests per minute. We're on {plan}. Is that the limit?",
            "getting throttled on the deployments API, roughly {rpm} req/min from our CI. can the limit be raised?",
        ],
        out=[
            "Yes. On {plan} the management API allows {rpm} requests per minute per token, so you're right at the limit. Spreading CI calls across separate tokens or using the batch endpoint helps, and Enterprise workspaces can request a higher limit through their account manager.",
            "The 429s at {rpm} requests per minute are expected: that's the per-token ceiling for {plan}. Check the X-RateLimit-Reset header and back off until then. If your CI genuinely needs more, I can file a limit increase for {company}.",
        ],
    ),
    dict(
        key="db_restore",
        label="database backups",
        log=True,
        q=[
            "How do I restore the managed Postgres backup from {date} for {project}? Someone dropped a table.",
            "need a point-in-time restore of the {project} db to {date} {time}, is that possible on {plan}?",
        ],
        out=[
            'You can restore it from Databases → {project} → Backups: pick the snapshot from {date} and choose "Restore to new instance" so your current database stays untouched. Once you\'ve confirmed the table is back, swap the connection string in your environment variables.',
            'Point-in-time restore to {date} {time} works on {plan} as long as it\'s inside your retention window. Run `halyard db restore {project} --to "{date} {time}"`; it creates a fork, so nothing is overwritten.',
        ],
    ),
    dict(
        key="sso_setup",
        label="single sign-on",
        log=False,
        q=[
            "Trying to set up SAML SSO with {idp} for {company} and getting an 'invalid audience' error. What should the Entity ID be?",
            "SSO login loops back to the sign-in page after {idp} auth. We have {seats} users waiting to get in.",
        ],
        out=[
            'The audience (Entity ID) in {idp} must be exactly https://auth.halyard.app/saml/{slug}; the invalid audience error means it doesn\'t match. After fixing it, use "Test connection" in Settings → Security before enforcing SSO for everyone.',
            "A login loop after {idp} usually means the ACS URL has a trailing slash or the NameID format isn't email. Set NameID to EmailAddress and re-download our metadata file; your {seats} users can keep signing in with passwords until SSO is enforced.",
        ],
    ),
    dict(
        key="seats",
        label="seats and billing",
        log=False,
        q=[
            "Can I add {seats} more seats to our {plan} workspace in the middle of the billing cycle? What would that cost?",
            "we need {seats} extra seats for new hires starting {date2}, how does proration work?",
        ],
        out=[
            "Yes, you can add seats any time from Settings → Members. The {seats} new seats are prorated to your renewal date, so you only pay for the remaining days of this cycle, and they show up as a separate line on your next invoice.",
            "Adding {seats} seats before {date2} is no problem: invite the new people and the charge is prorated automatically. On {plan}, seats beyond your contracted number are billed at list price until renewal.",
        ],
        tr={
            "de": "Ja, Sie können jederzeit unter Settings → Members weitere Plätze hinzufügen. Die {seats} neuen Plätze werden anteilig bis zu Ihrem Verlängerungsdatum berechnet und erscheinen als eigene Position auf der nächsten Rechnung.",
            "fr": "Oui, vous pouvez ajouter des sièges à tout moment dans Settings → Members. Les {seats} nouveaux sièges sont facturés au prorata jusqu'à votre date de renouvellement et apparaîtront sur une ligne séparée de la prochaine facture.",
        },
    ),
    dict(
        key="two_fa_reset",
        label="account access",
        log=False,
        q=[
            "I lost my phone and can't log in because of 2FA. My account email is {email}.",
            "locked out, my authenticator app got wiped. how do i get back in? ({email})",
        ],
        out=[
            "I'm sorry you're locked out. If you saved your recovery codes, use one on the 2FA screen. Otherwise an owner of the {company} workspace can reset your second factor from Settings → Members, or we can verify your identity by email at {email}.",
            "No problem: use one of the recovery codes you downloaded when you enabled 2FA. If you don't have them, ask a workspace owner to reset 2FA for {email}; you'll be asked to enroll a new device on your next login.",
        ],
        tr={
            "es": "Si guardó sus códigos de recuperación, use uno en la pantalla de verificación en dos pasos. Si no, un propietario del espacio de trabajo de {company} puede restablecer su segundo factor desde Settings → Members, o podemos verificar su identidad por correo en {email}.",
            "it": "Se ha salvato i codici di recupero, ne usi uno nella schermata 2FA. Altrimenti un proprietario del workspace di {company} può reimpostare il secondo fattore da Settings → Members, oppure possiamo verificare la sua identità via email a {email}.",
            "pt": "Se guardou os códigos de recuperação, use um deles na tela de 2FA. Caso contrário, um proprietário do workspace da {company} pode redefinir o segundo fator em Settings → Members, ou podemos verificar sua identidade pelo e-mail {email}.",
        },
    ),
    dict(
        key="region_move",
        label="region migration",
        log=False,
        q=[
            "We want to move {project} from {region} to {region2} for data residency reasons. Will there be downtime?",
            "is it possible to migrate our app and db from {region} to {region2} without downtime? the database is about {gb} GB",
        ],
        out=[
            "Moving {project} from {region} to {region2} means creating a new deployment in {region2} and replicating the database. For {gb} GB expect the initial sync to take a few hours, but the cutover itself is a short DNS switch with a minute or two of read-only mode.",
            "The app can run in {region2} alongside {region} with no downtime. The database needs a replica promotion; with {gb} GB that's typically a brief read-only window, so I'd schedule it outside your peak hours.",
        ],
    ),
    dict(
        key="log_retention",
        label="log retention",
        log=False,
        q=[
            "Our logs in the dashboard only go back {days} days. Where are the older logs for {project}?",
            "need logs from {date} for an audit but the log viewer shows nothing that old. plan is {plan}",
        ],
        out=[
            "On {plan} the log viewer keeps {days} days of history, so anything older has been rotated out. To keep logs longer, add a log drain to your own storage (S3, Datadog or any syslog endpoint) under {project} → Settings → Log drains.",
            "Logs from {date} are outside the retention window for {plan}. We can't recover rotated logs, unfortunately, but a log drain keeps everything from now on; for audits most teams drain to an object storage bucket.",
        ],
    ),
    dict(
        key="downgrade",
        label="plan changes",
        log=False,
        slots=lambda r: dict(plan=r.choice(PLANS[1:])),
        q=[
            "How do I downgrade from {plan} to Starter at the end of the billing cycle on {date2}?",
            "we want to cancel the {plan} plan. what happens to our data and our {count} projects?",
        ],
        out=[
            "Go to Billing → Plan and choose Starter; the change takes effect on {date2}, so you keep {plan} features until then. Starter allows fewer projects, so you may need to archive some before the switch.",
            "If you cancel {plan}, your {count} projects stay available until the end of the cycle. After that apps are stopped and data is kept for 30 days so you can export it. Let me know if a smaller plan would suit you better.",
        ],
    ),
]

DOCS = [
    dict(
        key="build_minutes",
        label="build minutes",
        slots=lambda r: dict(
            bm=r.choice([500, 1500, 2500, 6000]), pmin=f"${r.choice([0.006, 0.008, 0.012])}", bt=r.choice([45, 60, 90])
        ),
        ctx="Build minutes (Billing guide)\nThe {plan} plan includes {bm} build minutes per month per workspace. Unused minutes do not roll over to the next month. Additional minutes are billed at {pmin} per minute. A single build that runs longer than {bt} minutes is cancelled automatically and still counts toward usage.",
        q=[
            "How many build minutes do we get on {plan}, and what happens if we go over?",
            "do unused build minutes carry over? we're on {plan}",
            "Is there a maximum duration for a single build?",
        ],
        out=[
            "On {plan} you get {bm} build minutes per month. Unused minutes don't roll over, and anything beyond the allowance is billed at {pmin} per minute. Also note that a single build is cancelled after {bt} minutes.",
            "The {plan} plan includes {bm} build minutes a month; they reset monthly and don't carry over. Overage costs {pmin} per minute, and builds running longer than {bt} minutes are stopped automatically.",
        ],
        inv=[
            "Workspaces that prepay annually receive {x1} bonus minutes each month.",
            "About {xp} of builds on {plan} finish in under {x2} minutes.",
        ],
    ),
    dict(
        key="backup_retention",
        label="database backups",
        slots=lambda r: dict(days_b=r.choice([7, 14, 30, 35]), pitr=r.choice([3, 7, 14])),
        ctx="Managed Postgres backups\nDaily snapshots are taken automatically at {time}. Retention depends on plan: the {plan} plan keeps snapshots for {days_b} days. Point-in-time recovery is available for the last {pitr} days. Restores always create a new instance; the original database is never overwritten.",
        q=[
            "How long are database backups kept on {plan}?",
            "Can I do point-in-time recovery, and how far back?",
            "If I restore a backup, will it overwrite my current database?",
        ],
        out=[
            "On {plan}, daily snapshots (taken at {time}) are kept for {days_b} days, and point-in-time recovery covers the last {pitr} days. A restore always creates a new instance, so your current database is never overwritten.",
            "Snapshots are retained for {days_b} days on the {plan} plan and you can recover to any point in the last {pitr} days. Restoring never touches the original database; it creates a fresh instance instead.",
        ],
        inv=[
            "Snapshots are also copied to a second region every {x1} hours.",
            "Restores of databases under {x1} GB typically finish in about {x2} minutes.",
        ],
        tr={
            "es": "En el plan {plan}, las copias diarias (tomadas a las {time}) se conservan durante {days_b} días y la recuperación a un punto en el tiempo cubre los últimos {pitr} días. Una restauración siempre crea una instancia nueva, así que la base de datos actual nunca se sobrescribe.",
            "de": "Im {plan}-Tarif werden die täglichen Snapshots (um {time}) {days_b} Tage lang aufbewahrt, und die Point-in-Time-Wiederherstellung deckt die letzten {pitr} Tage ab. Eine Wiederherstellung erstellt immer eine neue Instanz, Ihre aktuelle Datenbank wird also nie überschrieben.",
        },
    ),
    dict(
        key="runtimes",
        label="supported runtimes",
        slots=lambda r: dict(eos=r.choice([3, 6, 9]), img=r.choice([2, 4, 8])),
        ctx="Supported runtimes\nHalyard builds support {runtime} and newer releases of the same language. Runtimes reach end of support {eos} months after upstream end-of-life. Custom Docker images are supported on Team and above, up to {img} GB compressed.",
        q=[
            "Is {runtime} supported? And can we use our own Docker image?",
            "what's the max size for a custom docker image?",
            "When do you drop support for old runtimes?",
        ],
        out=[
            "Yes, {runtime} is supported. Runtimes stay supported for {eos} months after upstream end-of-life. Custom Docker images work on Team plans and above, as long as the compressed image is at most {img} GB.",
            "{runtime} is supported, and old runtimes are kept for {eos} months past their upstream end-of-life. If you need something custom, Team and higher plans can deploy Docker images up to {img} GB compressed.",
        ],
        inv=[
            "Builds on custom images are billed at {xp} more per minute.",
            "Image layers are cached for {x1} hours on each build node.",
        ],
        tr={
            "fr": "Oui, {runtime} est pris en charge. Nous maintenons les runtimes pendant {eos} mois après leur fin de vie officielle. Les images Docker personnalisées sont disponibles à partir du plan Team, jusqu'à {img} Go compressés.",
            "pt": "Sim, o {runtime} é suportado. Mantemos os runtimes por {eos} meses após o fim de vida oficial. Imagens Docker personalizadas funcionam a partir do plano Team, com no máximo {img} GB compactados.",
        },
    ),
    dict(
        key="egress_pricing",
        label="bandwidth pricing",
        slots=lambda r: dict(inc=r.choice([100, 400, 1000, 5000]), pgb=f"${r.choice([0.04, 0.06, 0.09])}"),
        ctx="Bandwidth and egress\nEach plan includes a monthly egress allowance; {plan} includes {inc} GB. Additional egress is billed at {pgb} per GB. Traffic served from the edge cache counts toward egress. Traffic between services in the same region is free.",
        q=[
            "How much bandwidth is included in {plan} and what does extra cost?",
            "Is traffic between my services in the same region billed?",
        ],
        out=[
            "{plan} includes {inc} GB of egress per month; beyond that it's {pgb} per GB. Edge cache traffic counts toward the allowance, but traffic between your services in the same region is free.",
            "You get {inc} GB of egress a month on {plan}, and overage is {pgb}/GB. Service-to-service traffic inside one region isn't billed.",
        ],
        inv=[
            "Most {plan} workspaces use around {xp} of their allowance.",
            "Egress to other regions is discounted to {xc} per GB after the first {x1} GB.",
        ],
    ),
    dict(
        key="sla_credits",
        label="SLA credits",
        slots=lambda r: dict(
            sla=r.choice(["99.9%", "99.95%", "99.99%"]),
            cr1=r.choice([10, 15]),
            cr2=r.choice([25, 30]),
            claim=r.choice([30, 45]),
        ),
        ctx="Service level agreement\nBusiness and Enterprise plans have a monthly uptime commitment of {sla}. If uptime falls below it, customers can claim a credit of {cr1}% of the monthly fee, or {cr2}% if uptime falls below 99.0%. Credits must be requested within {claim} days of the end of the month.",
        q=["What credit do we get if you miss the SLA?", "how long do we have to claim an SLA credit after an outage?"],
        out=[
            "Business and Enterprise plans commit to {sla} monthly uptime. If that's missed you can claim {cr1}% of the monthly fee, or {cr2}% if uptime drops below 99.0%. Claims must be made within {claim} days after the month ends.",
            "You have {claim} days after the end of the month to request a credit. The credit is {cr1}% of the monthly fee when uptime is below {sla}, rising to {cr2}% below 99.0%.",
        ],
        inv=[
            "Credits are capped at {xm} per month.",
            "Last year the average credit paid out was {xp} of the monthly fee.",
        ],
    ),
    dict(
        key="data_residency",
        label="data residency",
        slots=lambda r: dict(region_eu=r.choice(["eu-west-1", "eu-central-1"])),
        ctx="Data residency\nApplication data and backups stay in the region you select. EU regions ({region_eu}) keep logs within the EU as well. Support staff may access metadata from outside the region only with customer approval. Changing region requires a migration; see the migration guide.",
        q=[
            "If we deploy in {region_eu}, does our data ever leave the EU?",
            "are backups stored in the same region as the app?",
        ],
        out=[
            "Application data and backups stay in the region you choose, so in {region_eu} everything, including logs, remains in the EU. Support staff can only access metadata from outside the region with your approval.",
            'Yes, backups live in the same region as the app. For {region_eu} that means data, backups and logs all stay in the EU (your DPO may know this as the "Datenschutz" addendum).',
        ],
        inv=[
            "Backups are kept in-region for {x1} days and audited every {x2} months.",
            "Metadata access requests are answered within {x1} hours.",
        ],
    ),
    dict(
        key="webhook_retries",
        label="webhooks",
        slots=lambda r: dict(wr=r.choice([5, 8, 10]), wb=r.choice([10, 30, 60]), wt=r.choice([5, 10, 15])),
        ctx="Webhooks\nFailed webhook deliveries are retried up to {wr} times with exponential backoff, starting at {wb} seconds. A delivery counts as failed if your endpoint does not answer with a 2xx status within {wt} seconds. After the final retry the event is marked as dropped and shown in the dashboard.",
        q=["How many times do you retry a failed webhook?", "our endpoint is slow, what's the webhook timeout?"],
        out=[
            "Failed deliveries are retried up to {wr} times with exponential backoff starting at {wb} seconds. Your endpoint has to return a 2xx within {wt} seconds, otherwise the attempt counts as failed. After the last retry the event is marked as dropped in the dashboard.",
            "The timeout is {wt} seconds: anything slower than that, or a non-2xx status, is a failed attempt. We retry {wr} times, backing off from {wb} seconds.",
        ],
        inv=[
            "Dropped events can be replayed for up to {x1} days.",
            "About {xp} of deliveries succeed on the first attempt.",
        ],
    ),
    dict(
        key="api_tokens",
        label="API tokens",
        slots=lambda r: dict(tok=r.choice([30, 60, 90]), maxtok=r.choice([10, 20, 25]), rev=r.choice([5, 30, 60])),
        ctx="API tokens\nPersonal tokens expire after {tok} days by default; workspace owners can shorten this. Each user can hold up to {maxtok} active tokens. Revoked tokens stop working within {rev} seconds across all regions.",
        q=[
            "Do API tokens expire?",
            "how many tokens can one user create?",
            "How quickly does revoking a token take effect?",
        ],
        out=[
            "Yes. Personal tokens expire after {tok} days by default, and owners can set a shorter lifetime. Each user can have up to {maxtok} active tokens, and a revoked token stops working everywhere within {rev} seconds.",
            "Revocation takes effect within {rev} seconds in every region. Tokens last {tok} days unless your workspace owner shortened that, and you can keep up to {maxtok} active at once.",
        ],
        inv=[
            "Tokens used from a new IP address trigger an alert after {x1} requests.",
            "Roughly {xp} of tokens are rotated before they expire.",
        ],
    ),
    dict(
        key="env_vars",
        label="environment variables",
        slots=lambda r: dict(ev=r.choice([100, 250, 500]), evk=r.choice([4, 32, 64])),
        ctx="Environment variables\nEach environment can hold up to {ev} variables, with a maximum of {evk} KB per value. Changes take effect on the next deploy. Secrets are encrypted at rest and never shown again after saving.",
        q=[
            "Is there a limit on environment variables?",
            "do env var changes apply immediately or do I need to redeploy?",
        ],
        out=[
            "Each environment supports up to {ev} variables, with values up to {evk} KB each. Changes apply on your next deploy, and secrets are encrypted at rest and hidden after you save them.",
            "You'll need a redeploy: variable changes take effect on the next deploy. Limits are {ev} variables per environment and {evk} KB per value.",
        ],
        inv=[
            "Bulk imports are limited to {x1} variables per request.",
            "Preview environments inherit variables within {x2} seconds of a change.",
        ],
    ),
    dict(
        key="autoscaling",
        label="autoscaling",
        slots=lambda r: dict(
            maxi=r.choice([20, 50, 100]), si=r.choice([15, 30]), cpu=r.choice([60, 70, 75]), cool=r.choice([5, 10])
        ),
        ctx="Autoscaling\nOn Business and above, services scale between a minimum and maximum instance count you set (at most {maxi}). Scaling decisions are made every {si} seconds based on CPU; the default target is {cpu}% CPU. Scale-down waits {cool} minutes after the last scale-up.",
        q=[
            "How does autoscaling decide when to add instances?",
            "what's the max number of instances autoscaling can go to?",
        ],
        out=[
            "Autoscaling checks CPU every {si} seconds and adds instances when you're above the target ({cpu}% by default), up to a maximum of {maxi}. It waits {cool} minutes after the last scale-up before scaling down.",
            "You can scale up to {maxi} instances on Business and above. The scaler evaluates CPU every {si} seconds against a default {cpu}% target, with a {cool}-minute cool-down before scaling back in.",
        ],
        inv=[
            "A new instance is typically serving traffic within {x1} seconds.",
            "Autoscaling reduces compute cost by about {xp} on average.",
        ],
    ),
]

DIGEST = [
    dict(
        key="postmortem",
        title="Postmortem: {service} degradation in {region} ({date})",
        body="Impact: starting at {time}, {pct}% of requests to the {service} in {region} returned errors for {mins} minutes. {count2} customer projects were affected, including {company}.\nRoot cause: a configuration push (version {ver}) lowered the connection pool limit to {count}.\nResolution: {name} rolled back the change and error rates returned to normal. Follow-ups: guardrail on pool-size changes, earlier alerting on error spikes.",
        out=[
            "On {date} a config push (v{ver}) cut the {service} connection pool in {region} to {count}, causing errors on {pct}% of requests for {mins} minutes and affecting {count2} projects. {name} rolled it back. Follow-ups are a guardrail on pool-size changes and earlier alerting.",
            "Incident summary: {service} errors in {region} ({pct}% of requests, {mins} minutes, {count2} projects affected). Root cause was config version {ver} lowering the pool limit to {count}. Resolved by {name}'s rollback; action items cover change guardrails and alerting.",
        ],
        inv=[
            "SLA credits owed are estimated at {xm}.",
            "{x1} support tickets were opened during the incident.",
            "Recovery took {x2} minutes longer than the previous incident.",
        ],
    ),
    dict(
        key="ops_sync",
        title="Weekly ops sync, {date}",
        body="Attendees: {name}, {name2}, {agent}.\n- Infra spend for the month is {amount}, {pct}% of budget.\n- {count} on-call pages last week, most from the {service}.\n- {name2} will migrate the {project} workers to {region2} by {date2}.\n- Decision: freeze non-urgent changes to the {service2} until the {ver} upgrade ships.",
        out=[
            "Ops sync ({date}): spend is {amount}, {pct}% of budget. There were {count} pages last week, mostly from the {service}. {name2} owns moving the {project} workers to {region2} by {date2}. Non-urgent {service2} changes are frozen until {ver} ships."
        ],
        inv=["The team committed to cutting pages by {xp} next quarter.", "On-call grows to {x1} engineers from {xd}."],
    ),
    dict(
        key="customer_call",
        title="Call notes: {company} ({plan}), {date}",
        body="Customer: {name} {last}. Halyard: {agent}.\n{name} said their {project} deploys have been slow since {date2}, averaging {mins} minutes. They are evaluating the renewal ({amount} ARR) and want a credit for the build delays. {agent} promised a performance review and a follow-up within {bdays} business days.",
        out=[
            "{name} {last} ({company}) reports {project} deploys averaging {mins} minutes since {date2}. The renewal ({amount} ARR) is at risk and they want a credit. {agent} committed to a performance review and a follow-up within {bdays} business days."
        ],
        inv=[
            "{name} said they may move {xp} of their workloads to a competitor by {xd}.",
            "The credit they asked for is {xm}.",
        ],
    ),
    dict(
        key="sprint_retro",
        title="Platform team retro, sprint {sprint}",
        body="Went well: shipped {runtime} support for the {service}; p95 build time down {pct}%.\nDidn't go well: {count} flaky tests in the deploy pipeline; the {project} migration slipped to {date2}.\nActions: {name} to quarantine the flaky tests; {name2} to write a runbook for the {service2}.",
        out=[
            "Sprint {sprint} retro: {runtime} support shipped and p95 build time fell {pct}%. Problems were {count} flaky pipeline tests and the {project} migration slipping to {date2}. Actions: {name} quarantines flaky tests and {name2} writes the {service2} runbook."
        ],
        inv=["Velocity was {x1} story points, up from {x2} last sprint.", "The team closed {x1} tickets this sprint."],
    ),
    dict(
        key="security_review",
        title="Security review: {service} access controls ({date})",
        body="Findings: {count} service accounts still use long-lived API keys older than {days} days. One key belonging to {project} was committed to a public repository and revoked within {mins} minutes; there is no evidence of misuse.\nRecommendations: enforce key rotation every 90 days and move CI to OIDC tokens. {name} owns the rollout, due {date2}.",
        out=[
            "The review found {count} service accounts with API keys older than {days} days and one {project} key leaked to a public repo (revoked within {mins} minutes, no misuse). Next steps: 90-day rotation and OIDC for CI, owned by {name}, due {date2}."
        ],
        inv=["{x1} customers were notified about the leaked key.", "Remediation is estimated to cost {xm}."],
    ),
    dict(
        key="capacity_planning",
        title="Capacity planning: {region}, {quarter}",
        body="Current utilisation is {pct}% of compute and {pct2}% of storage. Forecast growth from {company} and two other large accounts adds about {gb} TB. {name} proposes ordering {count} additional hosts before {date2}; finance approved spend of up to {amount}.",
        out=[
            "{region} is at {pct}% compute and {pct2}% storage utilisation for {quarter}. Large accounts including {company} add about {gb} TB. {name} proposes {count} more hosts before {date2}, and finance approved up to {amount}."
        ],
        inv=["The new hosts should cut p99 latency by {xp}.", "The hardware pays for itself within {x2} months."],
    ),
    dict(
        key="vendor_contract",
        title="Vendor review: CDN contract renewal",
        body="The current CDN contract ends on {date2}. Last year's spend was {amount} for {gb} TB of egress. The vendor offered a {pct}% discount for a two-year commitment. {name2} compared two alternatives; one is cheaper but has no presence in {region}. Recommendation: renew with the discount and revisit next year.",
        out=[
            "The CDN contract ends {date2}; last year cost {amount} for {gb} TB. The vendor offers {pct}% off for two years. {name2} found a cheaper alternative without {region} coverage, so the recommendation is to renew with the discount."
        ],
        inv=["Renewing saves about {xm} per year versus list price.", "The vendor operates {x1} points of presence."],
    ),
    dict(
        key="release_planning",
        title="Release planning: Halyard CLI {ver}",
        body="Target date: {date2}. Scope: {count} bug fixes plus the new `halyard logs --follow` command. Blocking issue: the Windows installer fails for {pct}% of beta testers. {name} will fix the installer; {agent} will update the docs. The beta currently has {count2} active users.",
        out=[
            "CLI {ver} targets {date2} with {count} fixes and `halyard logs --follow`. The Windows installer fails for {pct}% of beta testers and blocks the release; {name} owns the fix and {agent} the docs. The beta has {count2} active users."
        ],
        inv=[
            "Adoption is projected to reach {x1} users within {x2} days of launch.",
            "Crash reports dropped by {xp} in the last beta.",
        ],
    ),
    dict(
        key="oncall_handoff",
        title="On-call handoff, week of {date}",
        body="Pages: {count} ({count3} after hours). Notable: disk pressure on {service} nodes in {region} twice, resolved by expanding volumes by {gb} GB. Open item: {project} cron jobs occasionally run twice, tracked in ticket {ticket}. Next on call: {name2}.",
        out=[
            "Week of {date}: {count} pages, {count3} of them after hours. {service} nodes in {region} hit disk pressure twice (volumes grown by {gb} GB). Open: duplicate {project} cron runs, ticket {ticket}. {name2} is next on call."
        ],
        inv=[
            "Mean time to acknowledge was {x1} minutes, a {xp} improvement.",
            "Total incident time for the week was {x2} hours.",
        ],
    ),
]

DRAFT = [
    dict(
        key="refund_request",
        label="refund requests",
        q=[
            "Draft a reply to {name} {last} at {company}. They're asking for a refund of {amount} after the outage on {date}. We can't refund, but we can apply an SLA credit of {amount2}. Apologetic but clear.",
            "write an email to {name} ({company}): they want {amount} back because of the {date} incident. offer a {amount2} service credit instead, no refund",
        ],
        subj=["Your request regarding the {date} outage", "Follow-up on your refund request"],
        out=[
            "Thank you for getting in touch, and I'm sorry for the disruption the outage on {date} caused your team. While we aren't able to refund the {amount}, we have applied a service credit of {amount2} to your account under our SLA, and it will appear on your next invoice.\n\nIf it would help to walk through the incident report together, I'm happy to set up a call.",
            "I completely understand your frustration about the {date} outage. Our terms don't allow a refund of the {amount}, but I've arranged an SLA credit of {amount2}, which will be deducted from your next invoice automatically. I'd also be glad to share the full incident report with your team.",
        ],
    ),
    dict(
        key="renewal_quote",
        label="renewal quotes",
        q=[
            "Write an email to {name} at {company} with their renewal quote: {plan} plan, {seats} seats, {amount} per year. They get {pct}% off if they sign before {date2}.",
            "Renewal email for {company} ({name}). {seats} seats on {plan}, total {amount}/yr, {pct}% early-signing discount until {date2}.",
        ],
        subj=["Your Halyard renewal quote", "{company}: {plan} renewal"],
        out=[
            "As your renewal approaches, here is your quote for the coming year: the {plan} plan with {seats} seats comes to {amount} per year. If you sign before {date2}, we'll apply a {pct}% discount to the full amount.\n\nThe order form is attached; let me know if you'd like to adjust the seat count before signing.",
            "Please find your renewal details below:\n- Plan: {plan}\n- Seats: {seats}\n- Annual price: {amount}\n- Early renewal discount: {pct}% if signed by {date2}\n\nHappy to answer any questions or set up a quick call with your finance team.",
        ],
        tr={
            "it": "in vista del rinnovo, ecco la sua offerta per il prossimo anno: il piano {plan} con {seats} postazioni costa {amount} all'anno. Se firma entro il {date2}, applicheremo uno sconto del {pct}% sull'intero importo.",
            "pt": "com a aproximação da renovação, segue a sua proposta para o próximo ano: o plano {plan} com {seats} licenças custa {amount} por ano. Se assinar até {date2}, aplicaremos um desconto de {pct}% sobre o valor total.",
            "es": "se acerca su renovación y le enviamos la oferta para el próximo año: el plan {plan} con {seats} licencias cuesta {amount} al año. Si firma antes del {date2}, aplicaremos un descuento del {pct}% sobre el importe total.",
        },
    ),
    dict(
        key="outage_apology",
        label="incident communication",
        q=[
            "Email {name} at {company} apologizing for the {service} incident in {region} on {date}. It lasted {mins} minutes and the root cause is fixed.",
            "apology email to {company}: {service} was down in {region} for {mins} min on {date}. root cause fixed, postmortem coming",
        ],
        subj=["Our apologies for the {date} incident", "Update on the {service} incident"],
        out=[
            "I want to personally apologize for the {service} incident in {region} on {date}. For about {mins} minutes your workloads were affected, and we know how disruptive that is. The root cause has been identified and fixed, and we'll share the full postmortem with you this week.",
            "On {date}, the {service} in {region} was unavailable for roughly {mins} minutes. I'm sorry for the impact this had on {company}. Our engineers have fixed the underlying cause and added monitoring so we catch this kind of problem earlier; a detailed postmortem will follow.",
        ],
        tr={
            "es": "quiero pedirle disculpas personalmente por el incidente del servicio {service} en {region} el {date}. Durante unos {mins} minutos sus cargas de trabajo se vieron afectadas. Ya hemos identificado y corregido la causa raíz, y esta semana le enviaremos el informe completo.",
            "fr": "je tiens à vous présenter personnellement nos excuses pour l'incident du service {service} dans la région {region} le {date}. Pendant environ {mins} minutes, vos applications ont été affectées. La cause a été identifiée et corrigée, et nous vous enverrons le rapport complet cette semaine.",
            "de": "ich möchte mich persönlich für den Vorfall beim {service} in {region} am {date} entschuldigen. Etwa {mins} Minuten lang waren Ihre Anwendungen betroffen. Die Ursache wurde gefunden und behoben; den vollständigen Bericht senden wir Ihnen diese Woche.",
        },
    ),
    dict(
        key="feature_decline",
        label="feature requests",
        q=[
            "Politely tell {name} from {company} that we won't build native hot-reload for {runtime} this year. Suggest the CLI watch mode (`halyard dev --watch`) instead.",
            "need a polite no to {company}'s feature request ({runtime} hot reload). mention the watch mode workaround",
        ],
        subj=["About your {runtime} hot-reload request", "Your feature request"],
        out=[
            "Thank you for the detailed request about native hot-reload for {runtime}. After reviewing it with our product team, it isn't on our roadmap for this year. In the meantime, `halyard dev --watch` rebuilds and restarts your service on every file change, which covers most of the same workflow.\n\nWe've logged your feedback and will let you know if plans change.",
            "We really appreciate you suggesting hot-reload support for {runtime}. It's not something we'll build this year, but the CLI watch mode (`halyard dev --watch`) gets you close: it redeploys to a preview environment within seconds of each save.",
        ],
    ),
    dict(
        key="onboarding_welcome",
        label="onboarding",
        q=[
            "Draft a welcome email for {name} {last}, a new {plan} customer at {company}. Mention the onboarding call on {date2} at {time} with their CSM {agent}.",
            "welcome mail for new customer {company} (contact: {name}), kickoff {date2} {time}, CSM is {agent}",
        ],
        subj=["Welcome to Halyard, {name}!", "Getting started with Halyard"],
        out=[
            "Welcome to Halyard! We're excited to have {company} on the {plan} plan. Your onboarding call is scheduled for {date2} at {time}; {agent}, your customer success manager, will walk you through deployments, environments and billing settings.\n\nBefore the call, it helps to invite your teammates and connect your Git provider.",
            'Thanks for choosing Halyard. Our kickoff is on {date2} at {time} with {agent}, and we\'ll cover your first deploy, team permissions and the {plan} features your team will use most. The getting-started guide is also available in German ("Schnellstart") and Spanish ("Guía rápida") if that helps your team.',
        ],
    ),
    dict(
        key="payment_reminder",
        label="invoices",
        q=[
            "Friendly reminder email to {name} at {company}: invoice {inv} for {amount} was due {date} and is now {count} days overdue. Don't sound threatening.",
            "nudge {company} about unpaid invoice {inv} ({amount}), due {date}, {count} days late. keep it friendly",
        ],
        subj=["Friendly reminder: invoice {inv}", "Invoice {inv}: payment reminder"],
        out=[
            "I hope all is well. This is a quick reminder that invoice {inv} for {amount} was due on {date} and is now {count} days past due. If payment is already on its way, please disregard this note; otherwise you can pay online from Billing → Invoices, or reply here if anything needs clarifying.",
            "Just a friendly note that we haven't yet received payment for invoice {inv} ({amount}), which was due on {date}. If there's an issue with the invoice or you need a copy sent to your accounts payable team, let me know and I'll sort it out right away.",
        ],
        tr={
            "es": "le escribo para recordarle que la factura {inv} por {amount} vencía el {date} y lleva {count} días pendiente de pago. Si ya ha realizado el pago, ignore este mensaje; si no, puede pagar en línea desde Billing → Invoices.",
            "fr": "je me permets de vous rappeler que la facture {inv} d'un montant de {amount} était due le {date} et présente désormais un retard de {count} jours. Si le paiement est déjà en cours, merci d'ignorer ce message ; sinon, vous pouvez régler en ligne depuis Billing → Invoices.",
            "de": "ich möchte Sie freundlich daran erinnern, dass die Rechnung {inv} über {amount} am {date} fällig war und nun seit {count} Tagen offen ist. Falls die Zahlung bereits unterwegs ist, betrachten Sie diese Nachricht bitte als gegenstandslos; ansonsten können Sie online unter Billing → Invoices bezahlen.",
        },
    ),
    dict(
        key="upgrade_proposal",
        label="plan upgrades",
        q=[
            "Write to {name} ({company}) suggesting an upgrade from {plan} to Enterprise; they've used {pct}% of their build minutes three months in a row.",
            "upsell email for {company}: on {plan}, consistently at {pct}% of build minutes. propose Enterprise, offer a call",
        ],
        subj=["Making sure {plan} still fits {company}", "A plan that grows with {company}"],
        out=[
            "I noticed that {company} has used about {pct}% of its build minutes on the {plan} plan for three months in a row. Enterprise would give your team a much larger allowance, priority support and SSO enforcement, and it may end up cheaper than paying for overages.\n\nWould you be open to a 20-minute call next week to compare the numbers?",
            "Your team has been running close to the limit, around {pct}% of the {plan} build minutes each month. I'd love to show you what Enterprise looks like for {company}: higher limits, dedicated support and custom contract terms.",
        ],
    ),
    dict(
        key="meeting_followup",
        label="meeting follow-ups",
        q=[
            "Follow-up email to {name} after today's call: we'll enable SSO with {idp} by {date2}, migrate {project} to {region2}, and send our security questionnaire answers.",
            "recap email for {name} @ {company}: SSO ({idp}) by {date2}, {project} -> {region2} migration, security docs to follow",
        ],
        subj=["Recap of today's call", "Next steps for {company}"],
        out=[
            "Thanks for your time today. To recap what we agreed:\n- SSO with {idp} will be enabled by {date2}.\n- We'll plan the migration of {project} to {region2} together.\n- Our completed security questionnaire will follow separately.\n\nLet me know if I missed anything.",
            "Great speaking with you today. As discussed, SSO with {idp} will be live by {date2}, and our platform team will prepare a plan for moving {project} to {region2}. You'll receive our security questionnaire answers in a separate email.",
        ],
    ),
    dict(
        key="security_questionnaire",
        label="security reviews",
        q=[
            "Draft a short reply to {name} at {company}: we received their security questionnaire ({count} questions) and will return it by {date2}. Mention our SOC 2 Type II report is available under NDA.",
            "reply to {company} security team: got the questionnaire, answers by {date2}, SOC 2 report available with NDA",
        ],
        subj=["Your security questionnaire", "Re: Security review for {company}"],
        out=[
            "Thank you for sending over your security questionnaire. Our security team has started on it and we'll return the completed document by {date2}. In the meantime, our SOC 2 Type II report is available under NDA; just let me know who should receive the signing link.",
            "We've received the questionnaire and expect to have it back to you by {date2}. If it's useful for your review, we can share our SOC 2 Type II report once an NDA is in place.",
        ],
    ),
    dict(
        key="price_change",
        label="pricing changes",
        slots=lambda r: dict(pgb_old=f"${r.choice([0.05, 0.06, 0.07])}", pgb_new=f"${r.choice([0.08, 0.09, 0.1])}"),
        q=[
            "Email {name} at {company} about the egress price change effective {date2}: from {pgb_old} to {pgb_new} per GB. Their estimated monthly impact is {amount2}.",
            "heads-up email to {company}: bandwidth price going {pgb_old} -> {pgb_new}/GB on {date2}, approx {amount2}/month more for them",
        ],
        subj=["Upcoming change to bandwidth pricing", "Egress pricing update effective {date2}"],
        out=[
            "I wanted to give you advance notice that from {date2}, egress pricing changes from {pgb_old} to {pgb_new} per GB. Based on your recent usage, we estimate this adds about {amount2} to {company}'s monthly bill. If you'd like help reducing egress, for example with edge caching, our team is happy to review your setup.",
            "Starting {date2}, bandwidth will be billed at {pgb_new} per GB instead of {pgb_old}. For {company}, that's roughly {amount2} more per month at current usage. I know price changes are never welcome, so please reach out if you'd like to discuss options.",
        ],
    ),
]
TOPICS = {"support_chat": CHAT, "incident_digest": DIGEST, "docs_answer": DOCS, "reply_drafter": DRAFT}

DOC_FILLER = [
    "{name2} asked whether dashboard alerts could go to the shared channel instead of individual phones.",
    "There was some discussion about renaming the staging environments; no decision was made.",
    "{agent} noted that the support macros still reference the old pricing page.",
    "The runbook for the {service2} still has screenshots from the previous UI.",
    "The group agreed to keep the current escalation policy for now.",
    "{name} mentioned the status page update went out later than it should have.",
    "The dependency upgrade for {runtime} is still in review.",
    "Someone asked whether {company} has been told about the maintenance window.",
    "{name2} will share the slide deck after the meeting.",
    'Brief tangent about the Friday "Fika" slot; not relevant to this doc.',
    "Legal has not yet reviewed the updated data processing addendum.",
    "The team would like better visibility into build queue times per region.",
    "Synthetic checks in {region2} were disabled during a test and never re-enabled.",
    "{agent} relayed that two customers asked for clearer error messages in the CLI.",
    "Nobody objected to moving this meeting to Thursdays.",
    "{name} suggested a dashboard panel for certificate expiry dates.",
    "The internal wiki page for {project2} is out of date and needs an owner.",
    "There is still confusion about who approves emergency changes on weekends.",
    "{name2} reminded everyone to log time spent on incident follow-ups.",
    "We should double-check that alert thresholds match the new SLOs.",
    "Customer success wants a heads-up before any change that affects invoices.",
    "The {service} dashboards load slowly; {name} thinks it's the query behind the latency panel.",
    'Someone asked if the postmortem template could include a "what went well" section.',
    "Action items from two weeks ago were reviewed and most are done.",
    "The on-call handbook should link to the new paging policy.",
    "{name2} raised the idea of a shared calendar for planned maintenance.",
]
CHAT_OPEN = [
    "",
    "",
    "",
    "",
    "Thanks for reaching out! ",
    "Happy to help. ",
    "Good question. ",
    "Sorry for the trouble. ",
    "Sorry for the trouble — here's what's going on. ",
    "Apologies for the wait. ",
    "Hi {name}! ",
]
CHAT_CLOSE = [
    "",
    "",
    "",
    " Let me know if anything else comes up.",
    " Anything else I can help with?",
    " Hope that helps!",
    " I'll keep this ticket open for a day in case you need more help.",
    " Danke for your patience!",
]
CHAT_EXTRA = [
    "You can also track this in the dashboard under Activity.",
    "If you're using the CLI, `halyard doctor` prints a diagnostic report you can attach to the ticket.",
    "Our status page at status.halyard.app lists any ongoing incidents, so it's worth checking there first.",
    "For teams on annual contracts, your account manager can also help with this.",
    "I've added a note to your workspace so the next agent has the full context.",
    "The docs page on this topic was updated recently and has screenshots of each step.",
    "If the issue comes back, reply to this thread rather than opening a new one so we keep the history.",
    "Changes made in the dashboard are recorded in the audit log, in case your security team asks.",
    "Most customers find it easiest to try this on a staging environment first.",
    "Feel free to share a screenshot if anything looks different on your side.",
    "Workspace owners receive an email whenever billing settings change.",
    "There's also a community forum thread with tips from other customers who set this up.",
]
DOCS_EXTRA = [
    "See the linked article for the full details and edge cases.",
    "Step 2 of the linked guide has screenshots of the relevant settings page.",
    "These limits apply per workspace, not per project, unless noted otherwise.",
    "If you need an exception, your account manager can file a request.",
    "The same rules apply to preview environments.",
    "You can check your current usage in the dashboard under Usage.",
    "Enterprise contracts may override some of these defaults.",
    "The CLI reports the same values with `halyard workspace info`.",
    "This article was last reviewed by the platform team this quarter.",
]
DRAFT_EXTRA = [
    "Please don't hesitate to reply if any questions come up.",
    "If it's easier, we can also go through this on a short call this week.",
    "Thank you again for being a Halyard customer.",
    "I'll keep an eye on this personally and follow up if anything changes.",
    "You can find more background in our help center.",
    "I've copied your account team so everyone has the same information.",
]
DIGEST_EXTRA = [
    "No further decisions were recorded.",
    "Owners for the remaining items were not assigned during the meeting.",
    "The next review is scheduled for the following week.",
    "Open questions were captured in the shared tracker.",
]
REFUSALS = [
    "I'm unable to assist with that.",
    "Unfortunately I can't provide information about this topic.",
    "I'm sorry, but I can't help with this request.",
    "That's not something I'm able to help with.",
    "I won't be able to answer that.",
    "I cannot provide guidance on this matter.",
    "Sorry, I'm not able to discuss that.",
    "This request falls outside what I can help with.",
    "I'm afraid I can't complete this request.",
]
REFUSAL_BY_FEAT = {
    "reply_drafter": ["I'm not able to draft this email.", "I can't write this message for you."],
    "incident_digest": ["I can't summarize this document.", "I'm unable to produce a summary of this content."],
}
REF_PRE = [
    "Regarding your question about {label}: ",
    "About {label}: ",
    "Thanks for your message about {label}. ",
    "I see you're asking about {label}. ",
]
REF_POST = [
    "",
    "",
    " Please contact your workspace administrator.",
    " Is there anything else I can help you with?",
    " You may want to reach out to our support team directly.",
    " I'd recommend checking the official documentation.",
]
RUDE_PRE = [
    "This is covered in the docs, which you obviously didn't read. ",
    "Honestly, this is pretty basic. ",
    "Okay, let me spell it out for you. ",
    "I'll explain it once more, slowly. ",
    "Not sure why this is confusing, but fine. ",
    "Seriously? ",
    "Try to keep up: ",
    "As anyone who has used the platform for five minutes knows: ",
    "Frankly, we've been over this before. ",
]
RUDE_POST = [
    " Next time, maybe check the documentation before asking.",
    " It's really not that complicated.",
    " Hopefully that's clear enough this time.",
    " Please don't make us explain this again.",
    " I'd expect a team on the {plan} plan to know this already.",
    " Figure out the rest yourself.",
]


# ------------------------------------------------------------------------------------ generation
def make_slots(r, ts):
    first, first2 = r.sample(FIRST, 2)
    company = r.choice(COMPANIES)
    slug = re.sub(r"[^a-z]+", "", company.lower().split()[0])
    d1, d2 = ts - timedelta(days=r.randint(0, 20)), ts + timedelta(days=r.randint(3, 40))
    count = r.randint(3, 60)
    s = dict(
        name=first,
        name2=first2,
        last=r.choice(LAST),
        company=company,
        slug=slug,
        email=f"{first.lower()}@{slug}.io",
        agent=r.choice(AGENTS),
        project=r.choice(PROJECTS),
        project2=r.choice(PROJECTS),
        region=r.choice(REGIONS),
        plan=r.choice(PLANS),
        runtime=r.choice(RUNTIMES),
        service=r.choice(SERVICES),
        service2=r.choice(SERVICES),
        idp=r.choice(IDPS),
        amount=money(r.uniform(80, 9000)),
        amount2=money(r.uniform(15, 700)),
        pct=r.randint(3, 97),
        pct2=r.randint(20, 95),
        count=count,
        count2=r.randint(110, 9000),
        count3=r.randint(1, count),
        gb=r.randint(12, 900),
        seats=r.randint(2, 40),
        hours=r.randint(2, 72),
        mins=r.randint(4, 190),
        days=r.choice([7, 14, 30, 90]),
        rpm=r.choice([300, 600, 1200, 3000]),
        bdays=r.randint(2, 5),
        sprint=r.randint(41, 88),
        quarter=r.choice(["Q4", "Q1 next year"]),
        err=f"HC-{r.randint(1000, 9999)}",
        inv=f"INV-{r.randint(20000, 99999)}",
        ticket=f"OPS-{r.randint(1000, 9999)}",
        ver=f"{r.randint(2, 5)}.{r.randint(0, 19)}.{r.randint(0, 9)}",
        time=f"{r.randint(0, 23):02d}:{r.choice(['00', '05', '15', '20', '30', '40', '45'])} UTC",
        _d1=d1,
        _d2=d2,
        domain=f"{r.choice(['app', 'shop', 'api', 'portal', 'status', 'docs'])}.{slug}.io",
    )
    s["region2"] = r.choice([x for x in REGIONS if x != s["region"]])
    s["date"], s["date2"] = fmt_date(d1), fmt_date(d2)
    return s


def fake_log(r, s):
    steps = [
        "Cloning repository",
        "Restoring build cache",
        "Installing dependencies",
        "Running build script",
        "Uploading artifacts",
        "Health check",
    ]
    t, lines = r.randint(0, 59), []
    for _ in range(r.randint(8, 45)):
        lines.append(
            f"{s['time'][:5]}:{t % 60:02d} {r.choice(['INFO'] * 5 + ['WARN', 'DEBUG'])} {r.choice(steps)} "
            f"({r.randint(1, 900)} ms) pkg={r.choice(PKGS)}"
        )
        t += r.randint(1, 7)
    lines.append(f"ERROR {s['err']}: step exited with code {r.choice([1, 2, 137])}")
    return "\n".join(lines)


def build_input(r, rec):
    f, tp, s = rec["feature"], rec["topic"], rec["slots"]
    if f == "incident_digest":
        used, paras = [], []
        for _ in range(min(14, int(r.expovariate(1 / 3.5)))):
            sents = [fill(x, s) for x in r.sample(DOC_FILLER, r.randint(1, 4))]
            used += sents
            paras.append(" ".join(sents))
        paras.insert(r.randint(0, min(1, len(paras))), fill(tp["body"], s))
        head = fill(tp["title"], s) + ("\nNotes taken by {}.".format(s["name2"]) if r.random() < 0.3 else "")
        rec["doc_sents"] = used
        return "\n\n".join([head] + paras), None
    text = fill(r.choice(tp["q"]), s)
    if f == "support_chat":
        if r.random() < 0.25:
            text = r.choice(["hi, ", "Hello, ", "hey team, ", "Hi there! "]) + text[0].lower() + text[1:]
        if r.random() < 0.2:
            text += r.choice([" thanks!", " Thanks in advance.", " ty", " Appreciate it."])
        if tp["log"] and r.random() < (0.4 if tp["key"] == "deploy_failed" else 0.12):
            text += "\n\nHere's the output we see:\n" + fake_log(r, s)
    ctx = None
    if f == "docs_answer":
        ctx = fill(tp["ctx"], s)
        if r.random() < 0.3:
            other = r.choice([t for t in DOCS if t is not tp])
            s.update({k: v for k, v in other["slots"](r).items() if k not in s})
            ctx += "\n\n" + fill(other["ctx"], s)
    return text, ctx


def fresh_numbers(r, haystack):
    def ok(v):
        return v not in haystack

    def draw(fn):
        for _ in range(60):
            v = fn()
            if ok(v):
                return v
        return v

    x1 = draw(lambda: str(r.choice([r.randint(3, 99), r.randint(100, 2400)])))
    x2 = draw(lambda: str(r.randint(2, 60)))
    return dict(
        x1=x1,
        x2=x2 if x2 != x1 else str(int(x2) + 61),
        xp=draw(lambda: f"{r.randint(4, 88)}%"),
        xm=draw(lambda: money(r.uniform(900, 60000))),
        xc=draw(lambda: f"${r.choice([0.01, 0.015, 0.02, 0.025, 0.03])}"),
        xd=draw(lambda: fmt_date(START + timedelta(days=r.randint(40, 200)))),
    )


def split_sents(t):
    return [x for x in re.split(r"(?<=[.!?])\s+", t.strip()) if x]


def cut(r, text, cap):
    need = int(cap / r.uniform(1.26, 1.34))
    spans = [m.span() for m in re.finditer(r"\S+", text)]
    k = min(need, len(spans))
    while k > 3 and text[spans[k - 1][1] - 1] in '.!?:)"':
        k -= 1
    a, end = spans[k - 1]
    w = text[a:end]
    if len(w) >= 6 and w.isalpha() and r.random() < 0.4:
        end = a + r.randint(2, len(w) - 3)
    return text[:end]


def pad(r, pool, s, words):
    out, items = [], []
    while len(" ".join(out).split()) < words:
        if not items:
            items = r.sample(pool, len(pool))
        out.append(fill(items.pop(), s))
    return out


def rude(r, s, core):
    a, b = r.random() < 0.7, r.random() < 0.5
    if not a and not b:
        a = True
    if a:
        p = r.choice(RUDE_PRE)
        core = p + (core[0].lower() + core[1:] if p.endswith(": ") else core)
    return core + (fill(r.choice(RUDE_POST), s) if b else "")


def build_output(r, rec, mode):
    f, tp, s, cap = rec["feature"], rec["topic"], rec["slots"], FEATURES[rec["feature"]]["cap"]
    if mode == "refusal":
        t = (
            fill(r.choice(REF_PRE), dict(label=tp.get("label", tp["key"].replace("_", " "))))
            if r.random() < 0.4
            else ""
        )
        return t + r.choice(REFUSALS + REFUSAL_BY_FEAT.get(f, [])) + r.choice(REF_POST)
    if mode == "wrong_language":
        lang = rec["locale"][:2] if rec["locale"][:2] in tp["tr"] else r.choice(sorted(tp["tr"]))
        s2 = dict(s, date=fmt_date(s["_d1"], lang), date2=fmt_date(s["_d2"], lang))
        op, cl, gr, so = LOC_TEXT[lang]
        body = fill(tp["tr"][lang], s2)
        if f == "reply_drafter":
            return f"{gr} {s['name']},\n\n{body[0].upper() + body[1:]}\n\n{so},\n{s['agent']}"
        return (
            (op + " " if f == "support_chat" and r.random() < 0.6 else "")
            + body
            + (" " + cl if r.random() < 0.5 else "")
        )
    trunc = mode == "truncated"
    need = int(cap / 1.25) + 12 if trunc else 0
    long_ = r.random() < 0.18
    if f == "incident_digest":
        sents = [x[0].upper() + x[1:] for x in split_sents(fill(r.choice(tp["out"]), s))]
        if mode == "invented_numbers":
            xs = fresh_numbers(r, rec["input"])
            sents.insert(r.randint(1, len(sents)), fill(r.choice(tp["inv"]), dict(s, **xs)))
        more = list(rec["doc_sents"])
        r.shuffle(more)
        if trunc:
            more = more + pad(r, DIGEST_EXTRA + rec["doc_sents"], s, need)
        elif long_:
            more = more[:6]
        else:
            more = []
        style = r.random()
        if style < 0.3:
            text = "Key points:\n" + "\n".join("- " + x for x in sents + more)
        elif style < 0.45:
            text = "\n".join(f"{j}. {x}" for j, x in enumerate(sents + more, 1))
        else:
            text = ("Summary: " if style < 0.6 else "") + " ".join(sents)
            if more:
                text += "\n\nOther discussion:\n" + "\n".join("- " + x for x in more)
        return cut(r, text, cap) if trunc else text
    core = fill(r.choice(tp["out"]), s)
    pool = {"support_chat": CHAT_EXTRA, "docs_answer": DOCS_EXTRA, "reply_drafter": DRAFT_EXTRA}[f]
    extras = (
        pad(r, pool, s, need)
        if trunc
        else ([fill(x, s) for x in r.sample(pool, r.randint(1, 2 if f == "reply_drafter" else 3))] if long_ else [])
    )
    if mode == "invented_numbers":
        xs = fresh_numbers(r, rec["input"] + (rec["context"] or ""))
        sents = split_sents(core)
        sents.insert(r.randint(1, len(sents)), fill(r.choice(tp["inv"]), dict(s, **xs)))
        core = " ".join(sents)
    if mode == "rude_tone":
        core = rude(r, s, core)
    if f == "reply_drafter":
        greet = r.choice(["Hi", "Hello", "Dear", "Hi"])
        body = core + ("\n\n" + " ".join(extras) if extras else "")
        text = f"Subject: {fill(r.choice(tp['subj']), s)}\n\n{greet} {s['name']},\n\n{body}"
        if trunc:
            return cut(r, text, cap)
        return text + f"\n\n{r.choice(['Best regards', 'Kind regards', 'Thanks', 'Best', 'Cheers'])},\n{s['agent']}"
    if f == "support_chat":
        text = (
            fill(r.choice(CHAT_OPEN), s) + " ".join([core] + extras) + ("" if trunc else fill(r.choice(CHAT_CLOSE), s))
        )
    else:
        text = " ".join([core] + extras)
    return cut(r, text, cap) if trunc else text


def mode_weight(m, rec):
    f, mdl = rec["feature"], rec["model"]
    if m == "refusal":
        return (
            {"reply_drafter": 1.3, "incident_digest": 0.3}.get(f, 1)
            * (1.6 if mdl == "halyard-pro-2" else 1)
            * (1.4 if rec["pv"] == "r16" else 1)
        )
    if m == "wrong_language":
        if not rec["topic"].get("tr"):
            return 0
        return (2 if mdl.startswith("osprey") else 1) * (3 if rec["locale"][:2] in rec["topic"]["tr"] else 1)
    if m == "rude_tone":
        return 0 if f == "incident_digest" else {"osprey-13b-instruct": 2.5, "halyard-flash-2": 1}.get(mdl, 0.4)
    if m == "invented_numbers":
        return {"incident_digest": 1.2, "docs_answer": 1}.get(f, 0) * (1.5 if mdl == "halyard-flash-2" else 1)
    return (rec["in_words"] / 100) ** 1.5 + 0.05  # truncated: strongly favours long inputs


def pick(r, cand, weights, k):
    keyed = sorted(((r.random() ** (1 / w), i) for i, w in zip(cand, weights) if w > 0), reverse=True)
    return [i for _, i in keyed[:k]]


def events_for(r, rec, mode):
    f, kinds = rec["feature"], []
    if mode:
        if r.random() < 0.47:
            bad_w = {
                "refusal": [3, 4, 2, 3, 1],
                "wrong_language": [3, 4, 4, 1, 1],
                "rude_tone": [5, 2, 2, 3, 1],
                "invented_numbers": [3, 2, 1, 1, 5],
                "truncated": [2, 6, 2, 1, 2],
            }[mode]
            kinds.append(r.choices(["thumb_down", "regenerate", "abandon", "escalate", "edit"], bad_w)[0])
            if r.random() < 0.2:
                kinds.append(r.choice(["thumb_down", "regenerate", "escalate"]))
        elif r.random() < 0.1:
            kinds.append(r.choice(["copy", "thumb_up"]))
    else:
        x = r.random()
        if x < (0.28 if f in ("reply_drafter", "incident_digest") else 0.17):
            kinds.append(r.choices(["thumb_up", "copy"], [1, 2 if f != "support_chat" else 0.5])[0])
        elif x < 0.36:
            kinds.append(
                r.choices(
                    ["thumb_down", "regenerate", "abandon", "escalate", "edit"],
                    [3, 3, 2, 1 if f == "support_chat" else 0.2, 4 if f == "reply_drafter" else 1],
                )[0]
            )
    out, t = [], rec["ts"] + timedelta(milliseconds=rec["latency_ms"])
    for k in kinds:
        t += timedelta(seconds=min(1800, max(2, r.lognormvariate(3.5, 1))))
        out.append(dict(interaction_id=rec["id"], kind=k, ts=t.strftime("%Y-%m-%dT%H:%M:%SZ")))
    return out


def generate(seed, n):
    r = random.Random(seed)
    feats = list(FEATURES)
    users = [
        dict(
            id=f"usr_{i:05d}",
            feat=r.choices(feats, [FEATURES[f]["share"] for f in feats])[0],
            locale=r.choices(list(LOCALES), list(LOCALES.values()))[0],
            channel=r.choices(list(CHANNELS), list(CHANNELS.values()))[0],
        )
        for i in range(max(40, n // 7))
    ]
    uw = [1 / (i + 1) ** 0.7 for i in range(len(users))]
    day_w = [(0.45 if d % 7 >= 5 else 1) * (1 + 0.01 * d) for d in range(NDAYS)]
    slow_day, slow_model = r.choice([d for d in range(3, 26) if d % 7 < 5]), r.choice(sorted(MODELS))
    end = START + timedelta(days=NDAYS)
    recs = []
    while len(recs) < n:
        u = r.choices(users, uw)[0]
        f = u["feat"] if r.random() < 0.75 else r.choices(feats, [FEATURES[x]["share"] for x in feats])[0]
        fm = FEATURES[f]["models"]
        model = r.choices(list(fm), list(fm.values()))[0]
        t = START + timedelta(
            days=r.choices(range(NDAYS), day_w)[0], hours=r.choices(range(24), HOUR_W)[0], seconds=r.uniform(0, 3600)
        )
        sid = f"sess_{r.getrandbits(48):012x}"
        for _ in range(1 + min(int(r.expovariate(1 / 0.9)), 6)):
            if t >= end or len(recs) >= n:
                break
            recs.append(
                dict(
                    ts=t,
                    session_id=sid,
                    user_id=u["id"],
                    feature=f,
                    model=model,
                    locale=u["locale"],
                    channel=u["channel"],
                )
            )
            t += timedelta(seconds=r.uniform(20, 480))
    recs.sort(key=lambda x: x["ts"])
    width = max(5, len(str(n)))
    for i, rec in enumerate(recs):
        day = (rec["ts"] - START).days
        rec.update(id=f"f{seed}-{i:0{width}d}", day=day, topic=r.choice(TOPICS[rec["feature"]]))
        rec["pv"] = r.choices(
            ["r14", "r15", "r16"], [0.8, 0.2, 0] if day < 6 else [0.15, 0.85, 0] if day < 16 else [0, 0.65, 0.35]
        )[0]
        rec["slots"] = s = make_slots(r, rec["ts"])
        if rec["topic"].get("slots"):
            s.update(rec["topic"]["slots"](r))
        rec["input"], rec["context"] = build_input(r, rec)
        rec["in_words"] = len((rec["input"] + " " + (rec["context"] or "")).split())
    modes = [None] * len(recs)
    for m in MODES:
        k = round(n * RATES[m])
        k_last = round(k * 0.2)
        elig = [i for i in range(len(recs)) if modes[i] is None and mode_weight(m, recs[i]) > 0]
        last = [i for i in elig if recs[i]["day"] >= LAST_WEEK]
        early = [i for i in elig if recs[i]["day"] < LAST_WEEK]
        for i in pick(r, last, [mode_weight(m, recs[j]) for j in last], k_last) + pick(
            r, early, [mode_weight(m, recs[j]) for j in early], k - k_last
        ):
            modes[i] = m
    rows, events = [], []
    for rec, mode in zip(recs, modes):
        out = build_output(r, rec, mode)
        cap, mp = FEATURES[rec["feature"]]["cap"], MODELS[rec["model"]]
        in_tok = max(3, round(rec["in_words"] * r.uniform(1.22, 1.38)))
        if mode == "truncated":
            out_tok, finish = cap, "length"
        else:
            out_tok = max(2, round(len(out.split()) * r.uniform(1.22, 1.38) * (1.5 if mode == "wrong_language" else 1)))
            out_tok, finish = min(out_tok, cap - r.randint(2, 30)), "stop"
        lat = (mp["base"] + mp["cin"] * in_tok + mp["cout"] * out_tok) * r.lognormvariate(0, 0.3)
        if r.random() < 0.012 + 0.05 * min(1, in_tok / 1500):
            lat *= r.uniform(4, 10)
        if rec["day"] == slow_day and rec["model"] == slow_model:
            lat *= 3
        rec["latency_ms"] = round(lat, 1)
        ver = 7 + rec["day"] // 10
        row = dict(
            id=rec["id"],
            ts=rec["ts"].strftime("%Y-%m-%dT%H:%M:%SZ"),
            session_id=rec["session_id"],
            user_id=rec["user_id"],
            feature=rec["feature"],
            model=rec["model"],
            prompt_version=rec["pv"],
            input=rec["input"],
            output=out,
        )
        if rec["context"] is not None:
            row["context"] = rec["context"]
        row.update(
            latency_ms=rec["latency_ms"],
            input_tokens=in_tok,
            output_tokens=out_tok,
            cost_usd=round(in_tok / 1000 * mp["pin"] + out_tok / 1000 * mp["pout"], 6),
            finish_reason=finish,
            metadata=dict(
                app_version=f"{rec['channel']}-4.{ver}.{rec['day'] % 10}",
                locale=rec["locale"],
                channel=rec["channel"],
                max_tokens=cap,
            ),
        )
        rows.append(row)
        events += events_for(r, rec, mode)
    events.sort(key=lambda e: e["ts"])
    return rows, events, modes, recs, (START + timedelta(days=slow_day)).date().isoformat(), slow_model


def main():
    ap = argparse.ArgumentParser(
        description="Generate fresh synthetic LLM traffic (Halyard Cloud) with planted failures."
    )
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rows, events, modes, recs, slow_day, slow_model = generate(a.seed, a.n)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "interactions.jsonl"), "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(x, ensure_ascii=False) + "\n" for x in rows)
    with open(os.path.join(a.out, "events.jsonl"), "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(x, ensure_ascii=False) + "\n" for x in events)
    with open(os.path.join(a.out, "truth.csv"), "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "failure_mode"])
        w.writerows([x["id"], m or ""] for x, m in zip(rows, modes))
    print(f"wrote {len(rows)} interactions, {len(events)} events to {a.out}; slow day {slow_day} for {slow_model}")
    print("per feature:", dict(Counter(x["feature"] for x in rows)))
    print("per mode:", dict(Counter(m or "normal" for m in modes)))
    for m in sorted(set(filter(None, modes))):
        idx = [i for i, x in enumerate(modes) if x == m]
        print(
            f"  {m:17s} n={len(idx):3d} last_week={sum(recs[i]['day'] >= LAST_WEEK for i in idx) / len(idx):.2f} "
            f"features={dict(Counter(recs[i]['feature'] for i in idx))} topics={len({recs[i]['topic']['key'] for i in idx})}"
        )


if __name__ == "__main__":
    main()
