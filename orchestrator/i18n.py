"""The participant page's words in the event's languages. Missing words fall back to English."""

from __future__ import annotations

from collections.abc import Callable

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "unknown": "unknown",
        "day_starts": "Your day begins with {place}",
        "nothing_until": "until {time}",
        "in_time": "in {time}",
        "not_yet": "{place} begins at {time}. You will be taken there then.",
        "join_room": "Join {room}",
        "hello": "Hello, {name}",
        "now": "Now",
        "next": "Next",
        "until": "until {time}",
        "nothing_now": "Nothing for you right now.",
        "join": "Join now",
        "agenda": "Your day",
        "times_in": "Times in {zone}",
        "round": "Round {n}",
        "keynote": "Keynote",
        "presenting": "You present in {room}",
        "away": "Away",
        "download": "Add to my calendar (.ics)",
        "moving_in": "Moving you in {seconds} s",
        "not_found_title": "This link does not work",
        "not_found": "This personal link is unknown or has been replaced. Please ask the "
        "organisers for your current link.",
        "broadcast": "Message from the organisers",
        "live": "Live updates on",
        "reconnecting": "Reconnecting…",
        "when": "When",
        "what": "What",
        "where": "Where",
        "done": "The day is over. Thank you!",
        "ntfy_round": "Round {n} starts at {time}: {place}",
        "your_time": "{time} your time",
        "moving_to": "Moving you to {place} in {seconds} s",
        "staying": "{what} starts in {seconds} s — you stay in {room}",
        "go_now": "Go now",
        "stay": "Stay here for now",
        "go_next": "Go to {place}",
        "round_of": "Round {n} of {total}",
        "rehearsal": "Rehearsal at {speed}×:"
        " the times are the event's, the countdowns run in real time.",
        "rounds_done": "Your presentations are over. Thank you!",
        "audience_live": "Listening now",
        "audience_expected": "Expected",
        "next_audience": "Next audience",
        "wrapup": "Wrap up: {time} left",
        "time_left": "Time left",
        "video": "Video room",
        "video_unavailable": "The video cannot be shown here. Use the button to join.",
        "presenter": "Your room",
        "starts_at": "starts at {time}",
    },
    "de": {
        "unknown": "unbekannt",
        "day_starts": "Ihr Tag beginnt mit {place}",
        "nothing_until": "bis {time}",
        "in_time": "in {time}",
        "not_yet": "{place} beginnt um {time}. Sie werden dann dorthin gebracht.",
        "join_room": "{room} beitreten",
        "hello": "Hallo, {name}",
        "now": "Jetzt",
        "next": "Danach",
        "until": "bis {time}",
        "nothing_now": "Gerade steht nichts für Sie an.",
        "join": "Jetzt beitreten",
        "agenda": "Ihr Tag",
        "times_in": "Zeiten in {zone}",
        "round": "Runde {n}",
        "keynote": "Keynote",
        "presenting": "Sie präsentieren in {room}",
        "away": "Abwesend",
        "download": "In meinen Kalender (.ics)",
        "moving_in": "Wechsel in {seconds} s",
        "not_found_title": "Dieser Link funktioniert nicht",
        "not_found": "Dieser persönliche Link ist unbekannt oder wurde ersetzt. Bitte fragen "
        "Sie das Organisationsteam nach Ihrem aktuellen Link.",
        "broadcast": "Nachricht vom Organisationsteam",
        "live": "Live-Aktualisierung an",
        "reconnecting": "Verbindung wird wiederhergestellt…",
        "when": "Wann",
        "what": "Was",
        "where": "Wo",
        "done": "Der Tag ist vorbei. Vielen Dank!",
        "ntfy_round": "Runde {n} beginnt um {time}: {place}",
        "your_time": "{time} bei Ihnen",
        "moving_to": "Wechsel zu {place} in {seconds} s",
        "staying": "{what} beginnt in {seconds} s — Sie bleiben in {room}",
        "go_now": "Jetzt wechseln",
        "stay": "Vorerst hier bleiben",
        "go_next": "Zu {place}",
        "round_of": "Runde {n} von {total}",
        "rehearsal": "Probelauf mit {speed}-facher Geschwindigkeit:"
        " Die Uhrzeiten sind die der Veranstaltung, die Countdowns laufen in Echtzeit.",
        "rounds_done": "Ihre Präsentationen sind vorbei. Vielen Dank!",
        "audience_live": "Hören gerade zu",
        "audience_expected": "Erwartet",
        "next_audience": "Nächstes Publikum",
        "wrapup": "Zum Schluss kommen: noch {time}",
        "time_left": "Verbleibend",
        "video": "Videoraum",
        "video_unavailable": "Das Video kann hier nicht angezeigt werden. "
        "Bitte über die Schaltfläche beitreten.",
        "presenter": "Ihr Raum",
        "starts_at": "beginnt um {time}",
    },
    "fr": {
        "unknown": "inconnu",
        "day_starts": "Votre journée commence par {place}",
        "nothing_until": "jusqu'à {time}",
        "in_time": "dans {time}",
        "not_yet": "{place} commence à {time}. Vous y serez conduit à ce moment-là.",
        "join_room": "Rejoindre {room}",
        "hello": "Bonjour, {name}",
        "now": "Maintenant",
        "next": "Ensuite",
        "until": "jusqu'à {time}",
        "nothing_now": "Rien pour vous en ce moment.",
        "join": "Rejoindre",
        "agenda": "Votre journée",
        "times_in": "Heures de {zone}",
        "round": "Tour {n}",
        "keynote": "Conférence",
        "presenting": "Vous présentez dans {room}",
        "away": "Absent",
        "download": "Ajouter à mon agenda (.ics)",
        "moving_in": "Changement dans {seconds} s",
        "not_found_title": "Ce lien ne fonctionne pas",
        "not_found": "Ce lien personnel est inconnu ou a été remplacé. Demandez votre lien "
        "actuel aux organisateurs.",
        "broadcast": "Message des organisateurs",
        "live": "Mises à jour en direct",
        "reconnecting": "Reconnexion…",
        "when": "Quand",
        "what": "Quoi",
        "where": "Où",
        "done": "La journée est terminée. Merci !",
        "ntfy_round": "Le tour {n} commence à {time} : {place}",
        "your_time": "{time} chez vous",
        "moving_to": "Vous passez à {place} dans {seconds} s",
        "staying": "{what} commence dans {seconds} s — vous restez dans {room}",
        "go_now": "Y aller maintenant",
        "stay": "Rester ici pour l’instant",
        "go_next": "Aller à {place}",
        "round_of": "Tour {n} sur {total}",
        "rehearsal": "Répétition accélérée ({speed}×) :"
        " les heures sont celles de l'événement, les comptes à rebours en temps réel.",
        "rounds_done": "Vos présentations sont terminées. Merci !",
        "audience_live": "À l’écoute",
        "audience_expected": "Attendus",
        "next_audience": "Prochain public",
        "wrapup": "Conclure : encore {time}",
        "time_left": "Temps restant",
        "video": "Salle vidéo",
        "video_unavailable": "La vidéo ne peut pas s’afficher ici. "
        "Utilisez le bouton pour rejoindre.",
        "presenter": "Votre salle",
        "starts_at": "commence à {time}",
    },
    "fi": {
        "unknown": "ei tiedossa",
        "day_starts": "Päiväsi alkaa: {place}",
        "nothing_until": "{time} asti",
        "in_time": "{time} kuluttua",
        "not_yet": "{place} alkaa klo {time}. Sinut siirretään sinne silloin.",
        "join_room": "Liity: {room}",
        "hello": "Hei, {name}",
        "now": "Nyt",
        "next": "Seuraavaksi",
        "until": "{time} asti",
        "nothing_now": "Sinulla ei ole nyt ohjelmaa.",
        "join": "Liity nyt",
        "agenda": "Päiväsi",
        "times_in": "Ajat: {zone}",
        "round": "Kierros {n}",
        "keynote": "Pääpuhe",
        "presenting": "Esittelet huoneessa {room}",
        "away": "Poissa",
        "download": "Lisää kalenteriin (.ics)",
        "moving_in": "Siirto {seconds} s kuluttua",
        "not_found_title": "Linkki ei toimi",
        "not_found": "Tämä henkilökohtainen linkki on tuntematon tai vaihdettu. Pyydä "
        "järjestäjiltä voimassa oleva linkki.",
        "broadcast": "Viesti järjestäjiltä",
        "live": "Päivittyy reaaliajassa",
        "reconnecting": "Yhdistetään uudelleen…",
        "when": "Milloin",
        "what": "Mitä",
        "where": "Missä",
        "done": "Päivä on päättynyt. Kiitos!",
        "ntfy_round": "Kierros {n} alkaa klo {time}: {place}",
        "your_time": "{time} sinun aikaasi",
        "moving_to": "Siirryt: {place} {seconds} s kuluttua",
        "staying": "{what} alkaa {seconds} s kuluttua — pysyt paikallasi: {room}",
        "go_now": "Siirry nyt",
        "stay": "Jää tähän toistaiseksi",
        "go_next": "Siirry: {place}",
        "round_of": "Kierros {n}/{total}",
        "rehearsal": "Harjoitusajo {speed}× nopeudella:"
        " kellonajat ovat tapahtuman, laskurit käyvät todellisessa ajassa.",
        "rounds_done": "Esityksenne ovat ohi. Kiitos!",
        "audience_live": "Kuuntelee nyt",
        "audience_expected": "Odotetaan",
        "next_audience": "Seuraava yleisö",
        "wrapup": "Lopettele: {time} jäljellä",
        "time_left": "Aikaa jäljellä",
        "video": "Videohuone",
        "video_unavailable": "Videota ei voi näyttää tässä. Liity painikkeella.",
        "presenter": "Sinun huoneesi",
        "starts_at": "alkaa klo {time}",
    },
    "pt": {
        "unknown": "desconhecido",
        "day_starts": "O seu dia começa com {place}",
        "nothing_until": "até às {time}",
        "in_time": "dentro de {time}",
        "not_yet": "{place} começa às {time}. Será levado para lá nessa altura.",
        "join_room": "Entrar na {room}",
        "hello": "Olá, {name}",
        "now": "Agora",
        "next": "A seguir",
        "until": "até às {time}",
        "nothing_now": "Não tem nada agendado neste momento.",
        "join": "Entrar agora",
        "agenda": "O seu dia",
        "times_in": "Horas de {zone}",
        "round": "Ronda {n}",
        "keynote": "Palestra",
        "presenting": "Apresenta na {room}",
        "away": "Ausente",
        "download": "Adicionar ao calendário (.ics)",
        "moving_in": "Mudança em {seconds} s",
        "not_found_title": "Esta ligação não funciona",
        "not_found": "Esta ligação pessoal é desconhecida ou foi substituída. Peça a ligação "
        "atual à organização.",
        "broadcast": "Mensagem da organização",
        "live": "Atualizações em direto",
        "reconnecting": "A restabelecer a ligação…",
        "when": "Quando",
        "what": "O quê",
        "where": "Onde",
        "done": "O dia terminou. Obrigado!",
        "ntfy_round": "A ronda {n} começa às {time}: {place}",
        "your_time": "{time} na sua hora",
        "moving_to": "A levá-lo para {place} em {seconds} s",
        "staying": "{what} começa em {seconds} s — permanece em {room}",
        "go_now": "Ir agora",
        "stay": "Ficar aqui por agora",
        "go_next": "Ir para {place}",
        "round_of": "Ronda {n} de {total}",
        "rehearsal": "Ensaio a {speed}×:"
        " as horas são as do evento, as contagens decrescentes correm em tempo real.",
        "rounds_done": "As suas apresentações terminaram. Obrigado!",
        "audience_live": "A ouvir agora",
        "audience_expected": "Esperados",
        "next_audience": "Próximo público",
        "wrapup": "Concluir: faltam {time}",
        "time_left": "Tempo restante",
        "video": "Sala de vídeo",
        "video_unavailable": "O vídeo não pode ser mostrado aqui. Use o botão para entrar.",
        "presenter": "A sua sala",
        "starts_at": "começa às {time}",
    },
    "nl": {
        "unknown": "onbekend",
        "audience_said": "Wat het publiek zei",
        "cert_attendance": "Aanwezigheidsattest",
        "cert_attended": "heeft deze keynotes van {event} bijgewoond:",
        "cert_audience": "Van het publiek",
        "cert_award": "Oorkonde",
        "cert_awarded_to": "wordt toegekend aan",
        "cert_feedback": "Feedback voor",
        "cert_jury": "Van de jury",
        "cert_none": "Geen opmerkingen.",
        "cert_ratings": "{n} beoordelingen, gemiddeld {mean} op 5",
        "cert_team_members": "Teamleden",
        "change": "Wijzigen",
        "comment": "Opmerking voor het team (optioneel)",
        "draft_kept": "Nog niet verzonden: bewaard op dit toestel en verzonden zodra de "
        "verbinding terug is.",
        "feedback_heading": "Beoordeel de presentaties die je zag",
        "in_room_now": "nu in de ruimte",
        "later": "later vandaag",
        "needs_js": "Dit formulier heeft JavaScript nodig.",
        "not_saved": "Niet opgeslagen",
        "one_line": "Eén regel voor het team (optioneel)",
        "owed": "nog te beoordelen",
        "rating": "Jouw beoordeling",
        "save": "Opslaan",
        "saved": "Opgeslagen",
        "score_heading": "Jouw beoordelingen",
        "scoring_closed": "Beoordelen is gesloten. Bedankt!",
        "scoring_closes": "Beoordelen sluit om {time}.",
        "sending": "Verzenden…",
        "day_starts": "Je dag begint met {place}",
        "nothing_until": "tot {time}",
        "in_time": "over {time}",
        "not_yet": "{place} begint om {time}. Je wordt er dan heen gebracht.",
        "join_room": "Naar {room}",
        "hello": "Hallo, {name}",
        "now": "Nu",
        "next": "Hierna",
        "until": "tot {time}",
        "nothing_now": "Er staat nu niets voor je gepland.",
        "join": "Nu deelnemen",
        "agenda": "Jouw dag",
        "times_in": "Tijden in {zone}",
        "round": "Ronde {n}",
        "keynote": "Keynote",
        "presenting": "Je presenteert in {room}",
        "away": "Afwezig",
        "download": "Toevoegen aan mijn agenda (.ics)",
        "moving_in": "Wissel over {seconds} s",
        "not_found_title": "Deze link werkt niet",
        "not_found": "Deze persoonlijke link is onbekend of vervangen. Vraag de organisatie "
        "om je huidige link.",
        "broadcast": "Bericht van de organisatie",
        "live": "Live bijgewerkt",
        "reconnecting": "Opnieuw verbinden…",
        "when": "Wanneer",
        "what": "Wat",
        "where": "Waar",
        "done": "De dag is voorbij. Bedankt!",
        "ntfy_round": "Ronde {n} begint om {time}: {place}",
        "your_time": "{time} bij jou",
        "moving_to": "Je gaat naar {place} over {seconds} s",
        "staying": "{what} begint over {seconds} s — je blijft in {room}",
        "go_now": "Nu gaan",
        "stay": "Voorlopig hier blijven",
        "go_next": "Naar {place}",
        "round_of": "Ronde {n} van {total}",
        "rehearsal": "Repetitie op {speed}× snelheid:"
        " de tijden zijn die van het evenement, de aftellingen lopen in echte tijd.",
        "rounds_done": "Jullie presentaties zijn voorbij. Bedankt!",
        "audience_live": "Luisteren nu",
        "audience_expected": "Verwacht",
        "next_audience": "Volgend publiek",
        "wrapup": "Rond af: nog {time}",
        "time_left": "Resterende tijd",
        "video": "Videoruimte",
        "video_unavailable": "De video kan hier niet worden getoond. Gebruik de knop om deel te "
        "nemen.",
        "presenter": "Jouw ruimte",
        "starts_at": "begint om {time}",
    },
}


def resolve(language: str) -> str:
    """The language the page is shown in: the person's, when Rota speaks it; else English."""
    return language if language in MESSAGES else "en"


def translator(language: str) -> Callable[..., str]:
    chosen = MESSAGES.get(language, MESSAGES["en"])

    def t(key: str, **values: object) -> str:
        return chosen.get(key, MESSAGES["en"][key]).format(**values)

    return t


# The jury's and the audience's scoring forms (orchestrator/web/scores.py, static/scoring.js)
# and the certificates (orchestrator/certificates.py).
SCORING_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "needs_js": "This form needs JavaScript.",
        "score_heading": "Your scores",
        "feedback_heading": "Rate the presentations you saw",
        "comment": "Comment for the team (optional)",
        "one_line": "One line for the team (optional)",
        "save": "Save",
        "saved": "Saved",
        "draft_kept": "Not sent yet: kept on this device and sent when the connection is back.",
        "owed": "still to score",
        "scoring_closes": "Scoring closes at {time}.",
        "scoring_closed": "Scoring has closed. Thank you!",
        "in_room_now": "in the room now",
        "rating": "Your rating",
        "not_saved": "Not saved",
        "sending": "Sending…",
        "later": "later today",
        "change": "Change",
        "audience_said": "What the audience said",
        "cert_award": "Award certificate",
        "cert_awarded_to": "is awarded to",
        "cert_team_members": "Team members",
        "cert_attendance": "Certificate of attendance",
        "cert_attended": "attended these keynotes of {event}:",
        "cert_feedback": "Feedback for",
        "cert_jury": "From the jury",
        "cert_audience": "From the audience",
        "cert_ratings": "{n} ratings, on average {mean} of 5",
        "cert_none": "No comments.",
    },
    "de": {
        "needs_js": "Dieses Formular braucht JavaScript.",
        "score_heading": "Ihre Bewertungen",
        "feedback_heading": "Bewerten Sie die Präsentationen, die Sie gesehen haben",
        "comment": "Kommentar für das Team (freiwillig)",
        "one_line": "Eine Zeile für das Team (freiwillig)",
        "save": "Speichern",
        "saved": "Gespeichert",
        "draft_kept": "Noch nicht gesendet: auf diesem Gerät gespeichert und gesendet, sobald "
        "die Verbindung zurück ist.",
        "owed": "noch zu bewerten",
        "scoring_closes": "Bewertungen bis {time}.",
        "scoring_closed": "Die Bewertung ist geschlossen. Vielen Dank!",
        "in_room_now": "gerade im Raum",
        "rating": "Ihre Bewertung",
        "not_saved": "Nicht gespeichert",
        "sending": "Wird gesendet…",
        "later": "später heute",
        "change": "Ändern",
        "audience_said": "Was das Publikum sagt",
        "cert_award": "Urkunde",
        "cert_awarded_to": "wird verliehen an",
        "cert_team_members": "Teammitglieder",
        "cert_attendance": "Teilnahmebescheinigung",
        "cert_attended": "hat an diesen Keynotes von {event} teilgenommen:",
        "cert_feedback": "Rückmeldungen für",
        "cert_jury": "Von der Jury",
        "cert_audience": "Vom Publikum",
        "cert_ratings": "{n} Bewertungen, im Mittel {mean} von 5",
        "cert_none": "Keine Kommentare.",
    },
    "fr": {
        "needs_js": "Ce formulaire nécessite JavaScript.",
        "score_heading": "Vos notes",
        "feedback_heading": "Notez les présentations que vous avez vues",
        "comment": "Commentaire pour l’équipe (facultatif)",
        "one_line": "Une ligne pour l’équipe (facultatif)",
        "save": "Enregistrer",
        "saved": "Enregistré",
        "draft_kept": "Pas encore envoyé : gardé sur cet appareil et envoyé au retour de la "
        "connexion.",
        "owed": "reste à noter",
        "scoring_closes": "Notation jusqu’à {time}.",
        "scoring_closed": "La notation est close. Merci !",
        "in_room_now": "dans la salle maintenant",
        "rating": "Votre note",
        "not_saved": "Non enregistré",
        "sending": "Envoi…",
        "later": "plus tard aujourd’hui",
        "change": "Modifier",
        "audience_said": "Ce qu’a dit le public",
        "cert_award": "Diplôme",
        "cert_awarded_to": "est décerné à",
        "cert_team_members": "Membres de l’équipe",
        "cert_attendance": "Attestation de participation",
        "cert_attended": "a assisté à ces conférences de {event} :",
        "cert_feedback": "Retours pour",
        "cert_jury": "Du jury",
        "cert_audience": "Du public",
        "cert_ratings": "{n} notes, en moyenne {mean} sur 5",
        "cert_none": "Aucun commentaire.",
    },
    "fi": {
        "needs_js": "Tämä lomake tarvitsee JavaScriptin.",
        "score_heading": "Arviosi",
        "feedback_heading": "Arvioi näkemäsi esitykset",
        "comment": "Kommentti tiimille (vapaaehtoinen)",
        "one_line": "Yksi rivi tiimille (vapaaehtoinen)",
        "save": "Tallenna",
        "saved": "Tallennettu",
        "draft_kept": "Ei vielä lähetetty: säilytetään tällä laitteella ja lähetetään, kun "
        "yhteys palaa.",
        "owed": "arvioimatta",
        "scoring_closes": "Arviointi päättyy klo {time}.",
        "scoring_closed": "Arviointi on päättynyt. Kiitos!",
        "in_room_now": "huoneessa nyt",
        "rating": "Arviosi",
        "not_saved": "Ei tallennettu",
        "sending": "Lähetetään…",
        "later": "myöhemmin tänään",
        "change": "Muuta",
        "audience_said": "Mitä yleisö sanoi",
        "cert_award": "Kunniakirja",
        "cert_awarded_to": "myönnetään",
        "cert_team_members": "Tiimin jäsenet",
        "cert_attendance": "Osallistumistodistus",
        "cert_attended": "osallistui tapahtuman {event} pääpuheisiin:",
        "cert_feedback": "Palaute:",
        "cert_jury": "Tuomaristolta",
        "cert_audience": "Yleisöltä",
        "cert_ratings": "{n} arviota, keskimäärin {mean}/5",
        "cert_none": "Ei kommentteja.",
    },
    "pt": {
        "needs_js": "Este formulário precisa de JavaScript.",
        "score_heading": "As suas avaliações",
        "feedback_heading": "Avalie as apresentações a que assistiu",
        "comment": "Comentário para a equipa (opcional)",
        "one_line": "Uma linha para a equipa (opcional)",
        "save": "Guardar",
        "saved": "Guardado",
        "draft_kept": "Ainda não enviado: guardado neste dispositivo e enviado quando a ligação "
        "voltar.",
        "owed": "por avaliar",
        "scoring_closes": "A avaliação fecha às {time}.",
        "scoring_closed": "A avaliação está fechada. Obrigado!",
        "in_room_now": "na sala agora",
        "rating": "A sua avaliação",
        "not_saved": "Não guardado",
        "sending": "A enviar…",
        "later": "mais logo",
        "change": "Alterar",
        "audience_said": "O que o público disse",
        "cert_award": "Certificado de prémio",
        "cert_awarded_to": "é atribuído a",
        "cert_team_members": "Membros da equipa",
        "cert_attendance": "Certificado de participação",
        "cert_attended": "assistiu a estas palestras de {event}:",
        "cert_feedback": "Comentários para",
        "cert_jury": "Do júri",
        "cert_audience": "Do público",
        "cert_ratings": "{n} avaliações, em média {mean} de 5",
        "cert_none": "Sem comentários.",
    },
}
for _language, _words in SCORING_WORDS.items():
    MESSAGES.setdefault(_language, {}).update(_words)


# E-mails to participants: invitation, reminders, "your agenda changed" (orchestrator/mail/).
MAIL_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "mail_invite_subject": "{event}: your personal link",
        "mail_reminder_subject": "Reminder: {event} begins for you at {time} ({zone})",
        "mail_changed_subject": "{event}: your agenda changed",
        "mail_hello": "Hello {name},",
        "mail_invite_intro": "you are invited to {event}.",
        "mail_first": "Your first session: {place}, on {date} at {time} ({zone}).",
        "mail_link": "Your personal link takes you to the right video room at the right time:",
        "mail_page": "Your own page:",
        "mail_page_does": "It shows where you are now and next, moves you from room to room by "
        "itself during the day, and lists your whole day.",
        "mail_agenda": "Your agenda is attached as a calendar file (.ics).",
        "mail_private": "The link is personal: please do not share it.",
        "mail_contact": "Questions? Write to the organisers: {contact}",
        "mail_reminder_intro": "a reminder: {event} begins soon.",
        "mail_changed_intro": "your agenda for {event} has changed. Your link stays the same and "
        "always takes you to the right room; the new agenda is attached.",
        "mail_regards": "The organisers",
        "ntfy_changed": "Your agenda changed. Your link takes you to the right room.",
    },
    "de": {
        "mail_invite_subject": "{event}: Ihr persönlicher Link",
        "mail_reminder_subject": "Erinnerung: {event} beginnt für Sie um {time} ({zone})",
        "mail_changed_subject": "{event}: Ihr Ablauf hat sich geändert",
        "mail_hello": "Hallo {name},",
        "mail_invite_intro": "Sie sind zu {event} eingeladen.",
        "mail_first": "Ihr erster Termin: {place}, am {date} um {time} ({zone}).",
        "mail_link": "Ihr persönlicher Link bringt Sie zur richtigen Zeit in den richtigen "
        "Videoraum:",
        "mail_page": "Ihre eigene Seite:",
        "mail_page_does": "Sie zeigt, wo Sie gerade und als Nächstes sind, bringt Sie im Lauf "
        "des Tages von selbst von Raum zu Raum und listet Ihren ganzen Tag.",
        "mail_agenda": "Ihr Ablauf hängt als Kalenderdatei (.ics) an.",
        "mail_private": "Der Link ist persönlich: Bitte geben Sie ihn nicht weiter.",
        "mail_contact": "Fragen? Schreiben Sie dem Organisationsteam: {contact}",
        "mail_reminder_intro": "eine Erinnerung: {event} beginnt bald.",
        "mail_changed_intro": "Ihr Ablauf für {event} hat sich geändert. Ihr Link bleibt gleich "
        "und bringt Sie immer in den richtigen Raum; der neue Ablauf hängt an.",
        "mail_regards": "Das Organisationsteam",
        "ntfy_changed": "Ihr Ablauf hat sich geändert. Ihr Link bringt Sie in den richtigen Raum.",
    },
    "fr": {
        "mail_invite_subject": "{event} : votre lien personnel",
        "mail_reminder_subject": "Rappel : {event} commence pour vous à {time} ({zone})",
        "mail_changed_subject": "{event} : votre programme a changé",
        "mail_hello": "Bonjour {name},",
        "mail_invite_intro": "vous êtes invité·e à {event}.",
        "mail_first": "Votre première séance : {place}, le {date} à {time} ({zone}).",
        "mail_link": "Votre lien personnel vous mène dans la bonne salle vidéo au bon moment :",
        "mail_page": "Votre page :",
        "mail_page_does": "Elle montre où vous êtes maintenant et ensuite, vous fait passer "
        "d’une salle à l’autre pendant la journée et liste toute votre journée.",
        "mail_agenda": "Votre programme est joint en fichier calendrier (.ics).",
        "mail_private": "Ce lien est personnel : merci de ne pas le partager.",
        "mail_contact": "Des questions ? Écrivez aux organisateurs : {contact}",
        "mail_reminder_intro": "un rappel : {event} commence bientôt.",
        "mail_changed_intro": "votre programme pour {event} a changé. Votre lien reste le même "
        "et vous mène toujours dans la bonne salle ; le nouveau programme est joint.",
        "mail_regards": "Les organisateurs",
        "ntfy_changed": "Votre programme a changé. Votre lien vous mène dans la bonne salle.",
    },
    "fi": {
        "mail_invite_subject": "{event}: henkilökohtainen linkkisi",
        "mail_reminder_subject": "Muistutus: {event} alkaa sinulle klo {time} ({zone})",
        "mail_changed_subject": "{event}: ohjelmasi on muuttunut",
        "mail_hello": "Hei {name},",
        "mail_invite_intro": "sinut on kutsuttu tapahtumaan {event}.",
        "mail_first": "Ensimmäinen osuutesi: {place}, {date} klo {time} ({zone}).",
        "mail_link": "Henkilökohtainen linkkisi vie sinut oikeaan videohuoneeseen oikeaan aikaan:",
        "mail_page": "Oma sivusi:",
        "mail_page_does": "Se näyttää, missä olet nyt ja seuraavaksi, siirtää sinut päivän "
        "aikana huoneesta toiseen itsestään ja listaa koko päiväsi.",
        "mail_agenda": "Ohjelmasi on liitteenä kalenteritiedostona (.ics).",
        "mail_private": "Linkki on henkilökohtainen: älä jaa sitä.",
        "mail_contact": "Kysyttävää? Kirjoita järjestäjille: {contact}",
        "mail_reminder_intro": "muistutus: {event} alkaa pian.",
        "mail_changed_intro": "ohjelmasi tapahtumassa {event} on muuttunut. Linkkisi pysyy "
        "samana ja vie sinut aina oikeaan huoneeseen; uusi ohjelma on liitteenä.",
        "mail_regards": "Järjestäjät",
        "ntfy_changed": "Ohjelmasi on muuttunut. Linkkisi vie sinut oikeaan huoneeseen.",
    },
    "pt": {
        "mail_invite_subject": "{event}: o seu link pessoal",
        "mail_reminder_subject": "Lembrete: {event} começa para si às {time} ({zone})",
        "mail_changed_subject": "{event}: o seu programa mudou",
        "mail_hello": "Olá {name},",
        "mail_invite_intro": "está convidado/a para {event}.",
        "mail_first": "A sua primeira sessão: {place}, a {date} às {time} ({zone}).",
        "mail_link": "O seu link pessoal leva-o à sala de vídeo certa à hora certa:",
        "mail_page": "A sua página:",
        "mail_page_does": "Mostra onde está agora e a seguir, muda-o de sala em sala ao longo "
        "do dia e lista todo o seu dia.",
        "mail_agenda": "O seu programa vai em anexo como ficheiro de calendário (.ics).",
        "mail_private": "O link é pessoal: por favor não o partilhe.",
        "mail_contact": "Dúvidas? Escreva à organização: {contact}",
        "mail_reminder_intro": "um lembrete: {event} começa em breve.",
        "mail_changed_intro": "o seu programa para {event} mudou. O seu link continua o mesmo e "
        "leva-o sempre à sala certa; o novo programa vai em anexo.",
        "mail_regards": "A organização",
        "ntfy_changed": "O seu programa mudou. O seu link leva-o à sala certa.",
    },
    "nl": {
        "mail_invite_subject": "{event}: uw persoonlijke link",
        "mail_reminder_subject": "Herinnering: {event} begint voor u om {time} ({zone})",
        "mail_changed_subject": "{event}: uw programma is gewijzigd",
        "mail_hello": "Hallo {name},",
        "mail_invite_intro": "u bent uitgenodigd voor {event}.",
        "mail_first": "Uw eerste sessie: {place}, op {date} om {time} ({zone}).",
        "mail_link": "Uw persoonlijke link brengt u op het juiste moment naar de juiste "
        "videoruimte:",
        "mail_page": "Uw eigen pagina:",
        "mail_page_does": "Die toont waar u nu en straks bent, brengt u in de loop van de dag "
        "vanzelf van ruimte naar ruimte en zet uw hele dag op een rij.",
        "mail_agenda": "Uw programma zit als agendabestand (.ics) in de bijlage.",
        "mail_private": "De link is persoonlijk: deel hem alstublieft niet.",
        "mail_contact": "Vragen? Schrijf de organisatoren: {contact}",
        "mail_reminder_intro": "een herinnering: {event} begint binnenkort.",
        "mail_changed_intro": "uw programma voor {event} is gewijzigd. Uw link blijft dezelfde "
        "en brengt u altijd naar de juiste ruimte; het nieuwe programma zit in de bijlage.",
        "mail_regards": "De organisatoren",
        "ntfy_changed": "Uw programma is gewijzigd. Uw link brengt u naar de juiste ruimte.",
    },
}
for _language, _words in MAIL_WORDS.items():
    MESSAGES.setdefault(_language, {}).update(_words)

# The privacy notice (/p/{token}/privacy, linked from every participant page and invitation).
PRIVACY_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "privacy_link": "Privacy: how your data is used",
        "privacy_title": "How your data is used",
        "privacy_controller": "Responsible for your data: {controller}",
        "privacy_contact": "Contact:",
        "privacy_purpose": "Why it is kept:",
        "privacy_stored": "What is stored: your name, e-mail address and institution, your "
        "personal link, when you joined and left the video rooms, your “I'm here” presses "
        "and door check-ins, the links you followed and, on the jury or in the audience, the "
        "scores and comments you gave.",
        "privacy_retention": "It is deleted {days} days after the event ends (on {date}). "
        "What remains are counts that name nobody.",
        "privacy_rights": "You may ask for a copy of your data or for its erasure at any time.",
        "privacy_none": "The organisers have not described here how they handle your data. "
        "Please ask them.",
        "privacy_back": "Back to your page",
        "mail_privacy": "How your data is used:",
    },
    "de": {
        "privacy_link": "Datenschutz: wie Ihre Daten verwendet werden",
        "privacy_title": "Wie Ihre Daten verwendet werden",
        "privacy_controller": "Verantwortlich für Ihre Daten: {controller}",
        "privacy_contact": "Kontakt:",
        "privacy_purpose": "Wozu sie gespeichert werden:",
        "privacy_stored": "Was gespeichert wird: Ihr Name, Ihre E-Mail-Adresse und Hochschule, "
        "Ihr persönlicher Link, wann Sie die Videoräume betreten und verlassen haben, Ihre "
        "„Ich bin da“-Klicks und Check-ins an der Tür, die Links, denen Sie gefolgt sind, "
        "und, in der Jury oder im Publikum, Ihre Bewertungen "
        "und Kommentare.",
        "privacy_retention": "Sie werden {days} Tage nach dem Ende der Veranstaltung gelöscht "
        "(am {date}). Es bleiben nur Zahlen, die niemanden nennen.",
        "privacy_rights": "Sie können jederzeit eine Kopie Ihrer Daten oder ihre Löschung "
        "verlangen.",
        "privacy_none": "Die Veranstalter haben hier nicht beschrieben, wie sie mit Ihren Daten "
        "umgehen. Bitte fragen Sie sie.",
        "privacy_back": "Zurück zu Ihrer Seite",
        "mail_privacy": "Wie Ihre Daten verwendet werden:",
    },
    "fi": {
        "privacy_link": "Tietosuoja: miten tietojasi käytetään",
        "privacy_title": "Miten tietojasi käytetään",
        "privacy_controller": "Tiedoistasi vastaa: {controller}",
        "privacy_contact": "Yhteystieto:",
        "privacy_purpose": "Miksi niitä säilytetään:",
        "privacy_stored": "Mitä tallennetaan: nimesi, sähköpostiosoitteesi ja oppilaitoksesi, "
        "henkilökohtainen linkkisi, milloin liityit videohuoneisiin ja poistuit niistä, "
        "”Olen paikalla” -painalluksesi ja sisäänkirjautumisesi ovella, avaamasi linkit sekä "
        "tuomaristossa tai yleisössä antamasi arviot ja kommentit.",
        "privacy_retention": "Ne poistetaan {days} päivää tapahtuman päättymisen jälkeen "
        "({date}). Jäljelle jää vain lukumääriä, joista ketään ei voi tunnistaa.",
        "privacy_rights": "Voit milloin tahansa pyytää kopion tiedoistasi tai niiden poistamista.",
        "privacy_none": "Järjestäjät eivät ole kuvanneet tässä, miten he käsittelevät "
        "tietojasi. Kysy heiltä.",
        "privacy_back": "Takaisin omalle sivullesi",
        "mail_privacy": "Miten tietojasi käytetään:",
    },
    "fr": {
        "privacy_link": "Confidentialité : l'usage de vos données",
        "privacy_title": "L'usage de vos données",
        "privacy_controller": "Responsable de vos données : {controller}",
        "privacy_contact": "Contact :",
        "privacy_purpose": "Pourquoi elles sont conservées :",
        "privacy_stored": "Ce qui est enregistré : votre nom, votre adresse e-mail et votre "
        "établissement, votre lien personnel, quand vous êtes entré dans les salles vidéo et "
        "les avez quittées, vos clics sur « Je suis là » et vos enregistrements à la porte, "
        "les liens que vous avez suivis et, dans le jury ou le public, les "
        "notes et commentaires que vous avez donnés.",
        "privacy_retention": "Elles sont effacées {days} jours après la fin de l'événement "
        "(le {date}). Il ne reste que des chiffres qui ne nomment personne.",
        "privacy_rights": "Vous pouvez à tout moment demander une copie de vos données ou "
        "leur effacement.",
        "privacy_none": "Les organisateurs n'ont pas décrit ici comment ils traitent vos "
        "données. Demandez-le-leur.",
        "privacy_back": "Retour à votre page",
        "mail_privacy": "L'usage de vos données :",
    },
    "nl": {
        "privacy_link": "Privacy: hoe je gegevens worden gebruikt",
        "privacy_title": "Hoe je gegevens worden gebruikt",
        "privacy_controller": "Verantwoordelijk voor je gegevens: {controller}",
        "privacy_contact": "Contact:",
        "privacy_purpose": "Waarom ze worden bewaard:",
        "privacy_stored": "Wat wordt opgeslagen: je naam, e-mailadres en instelling, je "
        "persoonlijke link, wanneer je de videoruimtes binnenkwam en verliet, je klikken op "
        "‘Ik ben er’ en check-ins bij de deur, de links die je volgde en, in de jury of het "
        "publiek, de beoordelingen en opmerkingen die je gaf.",
        "privacy_retention": "Ze worden {days} dagen na het einde van het evenement gewist "
        "(op {date}). Wat overblijft zijn aantallen die niemand noemen.",
        "privacy_rights": "Je kunt altijd een kopie van je gegevens of het wissen ervan vragen.",
        "privacy_none": "De organisatie heeft hier niet beschreven hoe ze met je gegevens "
        "omgaat. Vraag het hen.",
        "privacy_back": "Terug naar je pagina",
        "mail_privacy": "Hoe je gegevens worden gebruikt:",
    },
    "pt": {
        "privacy_link": "Privacidade: como os seus dados são usados",
        "privacy_title": "Como os seus dados são usados",
        "privacy_controller": "Responsável pelos seus dados: {controller}",
        "privacy_contact": "Contacto:",
        "privacy_purpose": "Porque são guardados:",
        "privacy_stored": "O que é guardado: o seu nome, endereço de e-mail e instituição, o "
        "seu link pessoal, quando entrou e saiu das salas de vídeo, os seus cliques em "
        "“Estou aqui” e check-ins à porta, os links que seguiu e, no "
        "júri ou no público, as avaliações e comentários que deu.",
        "privacy_retention": "São apagados {days} dias depois do fim do evento (a {date}). "
        "Ficam apenas contagens que não identificam ninguém.",
        "privacy_rights": "Pode pedir a qualquer momento uma cópia dos seus dados ou o seu "
        "apagamento.",
        "privacy_none": "A organização não descreveu aqui como trata os seus dados. Pergunte-"
        "lhe, por favor.",
        "privacy_back": "Voltar à sua página",
        "mail_privacy": "Como os seus dados são usados:",
    },
}
for _language, _words in PRIVACY_WORDS.items():
    MESSAGES.setdefault(_language, {}).update(_words)


# Rooms on plain links (Zoom, Teams, Meet, …): the participant page's "Open the room" panel,
# "I'm here", and the e-mails' list of such rooms.
LINK_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "open_room": "Open the room",
        "open_hint": "{room} opens in a tab of its own. Keep this page open: it counts down "
        "and tells you when to move.",
        "opened_hint": "{room} is open in its tab. At the next move, click here again.",
        "im_here": "I'm here",
        "here_noted": "Thank you: your presence is noted.",
        "here_failed": "Your presence could not be noted. Please try again.",
        "mail_rooms": "Some of your rooms are on another platform. Your link takes you to "
        "each at the right time; here they are for reference:",
    },
    "de": {
        "open_room": "Raum öffnen",
        "open_hint": "{room} öffnet sich in einem eigenen Tab. Lassen Sie diese Seite offen: "
        "Sie zählt herunter und sagt Ihnen, wann Sie wechseln.",
        "opened_hint": "{room} ist in seinem Tab geöffnet. Beim nächsten Wechsel klicken Sie "
        "hier erneut.",
        "im_here": "Ich bin da",
        "here_noted": "Danke: Ihre Anwesenheit ist vermerkt.",
        "here_failed": "Ihre Anwesenheit konnte nicht vermerkt werden. Bitte versuchen Sie es "
        "erneut.",
        "mail_rooms": "Einige Ihrer Räume liegen auf einer anderen Plattform. Ihr Link bringt "
        "Sie jeweils zur richtigen Zeit dorthin; hier sind sie zum Nachschlagen:",
    },
    "fr": {
        "open_room": "Ouvrir la salle",
        "open_hint": "{room} s’ouvre dans un onglet à part. Gardez cette page ouverte : elle "
        "fait le compte à rebours et vous dit quand changer.",
        "opened_hint": "{room} est ouverte dans son onglet. Au prochain changement, cliquez de "
        "nouveau ici.",
        "im_here": "Je suis là",
        "here_noted": "Merci : votre présence est notée.",
        "here_failed": "Votre présence n’a pas pu être notée. Veuillez réessayer.",
        "mail_rooms": "Certaines de vos salles sont sur une autre plateforme. Votre lien vous "
        "y mène au bon moment ; les voici pour mémoire :",
    },
    "fi": {
        "open_room": "Avaa huone",
        "open_hint": "{room} avautuu omaan välilehteensä. Pidä tämä sivu auki: se laskee "
        "aikaa ja kertoo, milloin siirrytään.",
        "opened_hint": "{room} on auki omassa välilehdessään. Seuraavassa siirrossa napsauta "
        "tästä uudelleen.",
        "im_here": "Olen paikalla",
        "here_noted": "Kiitos: läsnäolosi on kirjattu.",
        "here_failed": "Läsnäoloa ei voitu kirjata. Yritä uudelleen.",
        "mail_rooms": "Osa huoneistasi on toisella alustalla. Linkkisi vie sinut kuhunkin "
        "oikeaan aikaan; tässä ne ovat muistin tueksi:",
    },
    "pt": {
        "open_room": "Abrir a sala",
        "open_hint": "{room} abre num separador próprio. Mantenha esta página aberta: ela faz "
        "a contagem e diz quando mudar.",
        "opened_hint": "{room} está aberta no seu separador. Na próxima mudança, clique aqui "
        "outra vez.",
        "im_here": "Estou aqui",
        "here_noted": "Obrigado: a sua presença foi registada.",
        "here_failed": "Não foi possível registar a sua presença. Tente de novo.",
        "mail_rooms": "Algumas das suas salas estão noutra plataforma. O seu link leva-o a "
        "cada uma na hora certa; aqui ficam para consulta:",
    },
    "nl": {
        "open_room": "Open de ruimte",
        "open_hint": "{room} opent in een eigen tabblad. Laat deze pagina open: ze telt af en "
        "zegt wanneer u wisselt.",
        "opened_hint": "{room} is open in zijn tabblad. Klik bij de volgende wissel hier opnieuw.",
        "im_here": "Ik ben er",
        "here_noted": "Dank u: uw aanwezigheid is genoteerd.",
        "here_failed": "Uw aanwezigheid kon niet worden genoteerd. Probeer het opnieuw.",
        "mail_rooms": "Sommige van uw ruimtes staan op een ander platform. Uw link brengt u "
        "er telkens op het juiste moment heen; hier zijn ze ter referentie:",
    },
}
for _language, _words in LINK_WORDS.items():
    MESSAGES.setdefault(_language, {}).update(_words)

# On-site rooms: the walk on the participant page; the door screen and the phone's check-in.
CAMPUS_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "walk": "On campus: {place}, about {minutes} min on foot",
        "walk_scan": "At the door, scan the code on the screen with your phone to check in.",
        "door_scan": "Scan to check in",
        "door_new_code": "A new code every {seconds} s",
        "checkin_title": "Check-in",
        "checkin_ok": "You are checked in: {room}.",
        "checkin_elsewhere": "Recorded, but you are expected elsewhere now: {place}.",
        "checkin_nothing": "Recorded, but nothing is planned for you here now.",
        "checkin_expired": "This code has expired. Scan the code on the screen again.",
        "checkin_forged": "This is not a check-in code of this event.",
        "checkin_network": "Check-in works only from the event's own network (the Wi-Fi in "
        "the building).",
        "checkin_no_session": "Open your personal link on this phone first (it is in your "
        "invitation e-mail), then scan the code again.",
    },
    "de": {
        "walk": "Vor Ort: {place}, etwa {minutes} Min. zu Fuß",
        "walk_scan": "Scannen Sie an der Tür den Code auf dem Bildschirm mit Ihrem Handy, "
        "um einzuchecken.",
        "door_scan": "Zum Einchecken scannen",
        "door_new_code": "Alle {seconds} s ein neuer Code",
        "checkin_title": "Check-in",
        "checkin_ok": "Sie sind eingecheckt: {room}.",
        "checkin_elsewhere": "Erfasst, aber Sie werden jetzt woanders erwartet: {place}.",
        "checkin_nothing": "Erfasst, aber hier ist jetzt nichts für Sie geplant.",
        "checkin_expired": "Dieser Code ist abgelaufen. Scannen Sie den Code auf dem "
        "Bildschirm erneut.",
        "checkin_forged": "Das ist kein Check-in-Code dieser Veranstaltung.",
        "checkin_network": "Einchecken geht nur aus dem Netz der Veranstaltung (dem WLAN im "
        "Gebäude).",
        "checkin_no_session": "Öffnen Sie zuerst Ihren persönlichen Link auf diesem Handy "
        "(er steht in Ihrer Einladungs-E-Mail) und scannen Sie den Code dann erneut.",
    },
    "fr": {
        "walk": "Sur place : {place}, environ {minutes} min à pied",
        "walk_scan": "À la porte, scannez le code affiché à l'écran avec votre téléphone "
        "pour vous enregistrer.",
        "door_scan": "Scannez pour vous enregistrer",
        "door_new_code": "Un nouveau code toutes les {seconds} s",
        "checkin_title": "Enregistrement",
        "checkin_ok": "Vous êtes enregistré·e : {room}.",
        "checkin_elsewhere": "Enregistré, mais vous êtes attendu·e ailleurs : {place}.",
        "checkin_nothing": "Enregistré, mais rien n'est prévu pour vous ici maintenant.",
        "checkin_expired": "Ce code a expiré. Scannez à nouveau le code affiché à l'écran.",
        "checkin_forged": "Ce n'est pas un code d'enregistrement de cet événement.",
        "checkin_network": "L'enregistrement ne fonctionne que depuis le réseau de "
        "l'événement (le Wi-Fi du bâtiment).",
        "checkin_no_session": "Ouvrez d'abord votre lien personnel sur ce téléphone (il est "
        "dans votre e-mail d'invitation), puis scannez à nouveau le code.",
    },
    "fi": {
        "walk": "Paikan päällä: {place}, noin {minutes} min kävellen",
        "walk_scan": "Skannaa ovella näytön koodi puhelimellasi ilmoittautuaksesi.",
        "door_scan": "Skannaa ja ilmoittaudu",
        "door_new_code": "Uusi koodi {seconds} s välein",
        "checkin_title": "Ilmoittautuminen",
        "checkin_ok": "Olet ilmoittautunut: {room}.",
        "checkin_elsewhere": "Kirjattu, mutta sinua odotetaan nyt muualla: {place}.",
        "checkin_nothing": "Kirjattu, mutta sinulle ei ole nyt ohjelmaa täällä.",
        "checkin_expired": "Koodi on vanhentunut. Skannaa näytön koodi uudelleen.",
        "checkin_forged": "Tämä ei ole tämän tapahtuman ilmoittautumiskoodi.",
        "checkin_network": "Ilmoittautuminen toimii vain tapahtuman verkosta (rakennuksen Wi-Fi).",
        "checkin_no_session": "Avaa ensin henkilökohtainen linkkisi tällä puhelimella (se on "
        "kutsusähköpostissasi) ja skannaa koodi sitten uudelleen.",
    },
    "pt": {
        "walk": "No campus: {place}, cerca de {minutes} min a pé",
        "walk_scan": "À porta, digitalize com o telemóvel o código no ecrã para fazer o check-in.",
        "door_scan": "Digitalize para fazer o check-in",
        "door_new_code": "Um novo código a cada {seconds} s",
        "checkin_title": "Check-in",
        "checkin_ok": "Check-in feito: {room}.",
        "checkin_elsewhere": "Registado, mas é esperado/a noutro sítio agora: {place}.",
        "checkin_nothing": "Registado, mas não tem nada agendado aqui neste momento.",
        "checkin_expired": "Este código expirou. Digitalize de novo o código do ecrã.",
        "checkin_forged": "Este não é um código de check-in deste evento.",
        "checkin_network": "O check-in só funciona a partir da rede do evento (o Wi-Fi do "
        "edifício).",
        "checkin_no_session": "Abra primeiro o seu link pessoal neste telemóvel (está no "
        "e-mail de convite) e depois digitalize de novo o código.",
    },
    "nl": {
        "walk": "Op de campus: {place}, ongeveer {minutes} min lopen",
        "walk_scan": "Scan bij de deur met je telefoon de code op het scherm om in te checken.",
        "door_scan": "Scan om in te checken",
        "door_new_code": "Elke {seconds} s een nieuwe code",
        "checkin_title": "Inchecken",
        "checkin_ok": "Je bent ingecheckt: {room}.",
        "checkin_elsewhere": "Vastgelegd, maar je wordt nu ergens anders verwacht: {place}.",
        "checkin_nothing": "Vastgelegd, maar hier staat nu niets voor je gepland.",
        "checkin_expired": "Deze code is verlopen. Scan de code op het scherm opnieuw.",
        "checkin_forged": "Dit is geen incheckcode van dit evenement.",
        "checkin_network": "Inchecken kan alleen via het netwerk van het evenement (de wifi "
        "in het gebouw).",
        "checkin_no_session": "Open eerst je persoonlijke link op deze telefoon (die staat in "
        "je uitnodigingsmail) en scan de code daarna opnieuw.",
    },
}
for _language, _words in CAMPUS_WORDS.items():
    MESSAGES.setdefault(_language, {}).update(_words)


# BigBlueButton rooms: the page people land on when they leave a meeting (its logoutURL).
BBB_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "left_title": "You have left the room",
        "left": "Your personal page, in your other tab, shows where you go next. You may "
        "close this tab.",
    },
    "de": {
        "left_title": "Sie haben den Raum verlassen",
        "left": "Ihre persönliche Seite im anderen Tab zeigt, wohin es als Nächstes geht. "
        "Sie können diesen Tab schließen.",
    },
    "fr": {
        "left_title": "Vous avez quitté la salle",
        "left": "Votre page personnelle, dans votre autre onglet, indique où aller ensuite. "
        "Vous pouvez fermer cet onglet.",
    },
    "fi": {
        "left_title": "Poistuit huoneesta",
        "left": "Henkilökohtainen sivusi toisessa välilehdessä näyttää, minne menet "
        "seuraavaksi. Voit sulkea tämän välilehden.",
    },
    "pt": {
        "left_title": "Saiu da sala",
        "left": "A sua página pessoal, no outro separador, mostra para onde ir a seguir. "
        "Pode fechar este separador.",
    },
    "nl": {
        "left_title": "U hebt de ruimte verlaten",
        "left": "Uw persoonlijke pagina, in uw andere tabblad, toont waar u hierna heen gaat. "
        "U kunt dit tabblad sluiten.",
    },
}
for _language, _words in BBB_WORDS.items():
    MESSAGES.setdefault(_language, {}).update(_words)

# Rooms on public meet.jit.si (rooms/links.py, `public_jitsi`): on the real day they open in
# the named tab like link rooms, and a meeting there starts only once a moderator signs in.
# The presenter's page and their invitation say so.
PUBLIC_JITSI_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "sign_in": "Your room is on the public meet.jit.si: it starts only once one of you "
        "signs in there (with Google, Facebook or GitHub) as its moderator; until then everyone "
        "waits. Open it a few minutes early and sign in.",
    },
    "de": {
        "sign_in": "Ihr Raum liegt auf dem öffentlichen meet.jit.si: Er beginnt erst, wenn sich "
        "einer von Ihnen dort (mit Google, Facebook oder GitHub) als Moderator anmeldet; bis "
        "dahin warten alle. Öffnen Sie ihn einige Minuten früher und melden Sie sich an.",
    },
    "fr": {
        "sign_in": "Votre salle est sur le meet.jit.si public : elle ne commence que lorsque "
        "l’un·e d’entre vous s’y connecte (avec Google, Facebook ou GitHub) comme modérateur ; "
        "jusque-là, tout le monde attend. Ouvrez-la quelques minutes en avance et connectez-vous.",
    },
    "fi": {
        "sign_in": "Huoneenne on julkisessa meet.jit.si-palvelussa: se alkaa vasta, kun joku "
        "teistä kirjautuu sinne (Googlella, Facebookilla tai GitHubilla) sen moderaattoriksi; "
        "siihen asti kaikki odottavat. Avaa se muutamaa minuuttia etuajassa ja kirjaudu.",
    },
    "pt": {
        "sign_in": "A sua sala está no meet.jit.si público: só começa quando um de vocês "
        "iniciar sessão lá (com Google, Facebook ou GitHub) como moderador; até lá, todos "
        "esperam. Abra-a alguns minutos antes e inicie sessão.",
    },
    "nl": {
        "sign_in": "Uw ruimte staat op het openbare meet.jit.si: ze begint pas als een van u "
        "zich daar aanmeldt (met Google, Facebook of GitHub) als moderator; tot dan wacht "
        "iedereen. Open haar een paar minuten eerder en meld u aan.",
    },
}
for _language, _words in PUBLIC_JITSI_WORDS.items():
    MESSAGES.setdefault(_language, {}).update(_words)
