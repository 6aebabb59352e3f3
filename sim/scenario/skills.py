"""The skills an exercise trains: one closed vocabulary, so the picker, the generated library and
a training unit's records name the same skill the same way (a free-text skill would split one
skill into many spellings). Add a skill here, with the sentence a trainer reads, when an exercise
trains something none of these says."""

from __future__ import annotations

SKILLS: dict[str, str] = {
    "drafting_notice_requests": "drafting a notice request the NDTF can publish: the identity, judicial "
                                "and purpose data each kind needs",
    "repairing_returned_requests": "completing a request the NDTF returned (RPD Art. 83 data, the "
                                   "penalty threshold) before it lapses",
    "choosing_diffusion_recipients": "choosing who a diffusion goes to: the countries on the route, "
                                     "not the whole world",
    "answering_partners": "answering partners' requests for information and messages on time",
    "handling_hits": "confirming a hit with the requesting NCB and acting on it before the "
                     "person moves on",
    "provisional_arrest_deadline": "sending the extradition request before the provisional-arrest "
                                   "deadline runs out",
    "extradition_and_transfer_of_proceedings": "what to do when a country does not surrender its "
                                               "nationals: transfer of proceedings",
    "night_escalation_through_the_ccc": "getting an urgent message acted on at night in another "
                                        "time zone, through the Command and Coordination Centre",
    "art3_neutrality_review": "recognising a request of a political, military, religious or racial "
                              "character (Art. 3) and refusing it, notices and diffusions alike",
    "refugee_rule": "applying the refugee rule: deleting the notice without revealing who granted "
                    "asylum, and releasing whoever was held on it",
    "stop_payment_requests": "stopping a fraudulent payment before the money is withdrawn",
    "cybercrime_cooperation": "working a cyber-enabled case with the cybercrime directorate and "
                              "the countries the money passes through",
    "modus_operandi_warnings": "sharing a method (Purple Notice) so other countries can recognise it",
    "disaster_victim_identification": "matching Black Notices on the dead against Yellow Notices on "
                                      "the missing after a disaster, with an IRT",
    "major_event_support": "supporting a major event with an IMEST: warnings on travelling offenders "
                           "and imminent threats",
    "threat_warnings": "warning of an imminent threat (Orange Notice) fast enough to matter",
    "asset_tracing": "locating criminal assets with a Silver Notice, within its threshold and "
                     "non-coercive measures",
    "triage_under_load": "triaging hits and messages when the desk is past capacity, so the urgent "
                         "ones are not lost",
    "victim_identification": "identifying victims and protecting them rather than treating them as "
                             "offenders",
}
