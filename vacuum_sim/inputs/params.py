"""The parameter table: the one source of truth for every model parameter.

The scenario loader, the CLI's ``--set``, the browser app's sliders, the sweep
files and the generated parameter doc all read this table.  Each row gives the
default (the historical 2023 calibration), the allowed range, the unit, whether
the parameter is a *lever* (a policy choice) or an *uncertainty* (what nobody
controls), and its source.  ``[S#]``/``[SEED]`` refer to ``vacuum_sim/data/SOURCES.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from vacuum_sim.factions import FACTIONS


@dataclass(frozen=True)
class Param:
    name: str
    default: float | int | bool
    low: float
    high: float
    unit: str
    kind: str  # "lever" or "uncertainty"
    group: str
    label: str
    source: str

    @property
    def dtype(self) -> type:
        return type(self.default)

    def check(self, value):
        """Return ``value`` coerced to this parameter's type, or raise ValueError saying what is allowed."""
        if self.dtype is bool:
            if not isinstance(value, bool):
                raise ValueError(f"must be true or false, got {value!r}")
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"must be a number in [{self.low:g}, {self.high:g}] {self.unit}, got {value!r}")  # noqa: TRY004 (bad input, reported as any other)
        if not self.low <= value <= self.high:  # first: also refuses nan and inf, which int() cannot take
            raise ValueError(f"must be in [{self.low:g}, {self.high:g}] {self.unit}, got {value!r}")
        if self.dtype is int and value != int(value):
            raise ValueError(f"must be a whole number in [{self.low:g}, {self.high:g}] {self.unit}, got {value!r}")
        return self.dtype(value)


PARAMS: tuple[Param, ...] = (
    # --- forces ---------------------------------------------------------------
    Param("unit_size", 100, 20, 2000, "personnel/unit", "uncertainty", "forces",
       "Personnel per force unit (agent)", "assumption: company-sized units; sets agent count, not force totals"),
    Param("fama_manpower", 33000, 0, 100000, "personnel", "lever", "forces",
       "State forces in all: army, gendarmerie, national guard (FAMa)",
       "[S59] 2022: ~20,000 FAMa (incl. ≤2,000 air force, left out) + ~5,000 gendarmerie + ~10,000 national guard"),
    Param("theatre_share", 0.36, 0.0, 1.0, "share", "lever", "forces",
       "Share of the state's forces deployable in the theatre (the rest: rear, schools, static duties off the map)",
       "assumption: keeps the ~12,000 of the earlier calibration in the theatre (~60 % of the army proper [S59])"),
    Param("fama_growth", 0.09, 0.0, 0.5, "share/year", "lever", "forces",
       "Growth of the state's force plan per year (compounded); recruitment replaces losses and adds this",
       "[S134, S59] army ~7,400 regulars (2012) to ~18,000 (2022): +9 %/year"),
    Param("training_capacity", 20.0, 0.0, 200.0, "recruits/day", "lever", "forces",
       "Most recruits the state can take into training per day",
       "[S163, S164] 2,000/yr planned 2015–19, 5,000 in 2017, 10,000 planned for 2020; [S59] ~7,900/yr 2020–22"),
    Param("training_days", 180, 1, 730, "days", "uncertainty", "forces",
       "Days from enlistment to a deployable unit", "[S165] basic training ~six months (2–4 for special intakes)"),
    Param("wagner_manpower", 1000, 0, 10000, "personnel", "lever", "forces",
       "Wagner Group contingent", "[SEED] '1,000-strong contingent'; up to ~2,000 incl. support [S135]"),
    Param("wagner_rotation_days", 30, 1, 365, "days", "uncertainty", "forces",
       "Days for Wagner replacements to reach the theatre once the contingent falls short of its size", "assumption"),
    Param("merge_below", 0.5, 0.0, 1.0, "share of unit_size", "uncertainty", "forces",
       "A unit reduced below this share of unit_size merges with others of its faction",
       "assumption: a unit at half strength no longer operates alone"),
    Param("un_troops", 12947, 0, 20000, "personnel", "lever", "forces",
       "MINUSMA uniformed personnel at start", "[S16, S21] UN plan to repatriate 12,947 uniformed personnel"),
    Param("jnim_fighters", 5000, 0, 30000, "personnel", "uncertainty", "forces",
       "JNIM fighters in the modelled area", "assumption: no sourced 2023 estimate"),
    Param("csp_fighters", 3500, 0, 20000, "personnel", "uncertainty", "forces",
       "CSP (Tuareg rebel) fighters", "inference 3,000–4,000 from 2012 MNLA and 2024 FLA figures (timeline A)"),
    Param("issp_fighters", 0, 0, 10000, "personnel", "uncertainty", "forces",
       "Islamic State Sahel Province fighters (optional sixth force)",
       "'several hundred' in one 2022 assault [S102]; off by default"),
    # --- limited capacity -----------------------------------------------------
    Param("garrison_size", 200, 20, 2000, "personnel/base", "lever", "capacity",
       "Personnel needed to hold one base", "assumption: two companies per camp"),
    Param("ops_per_month", 8.0, 0.0, 60.0, "operations/month", "lever", "capacity",
       "Army operations tempo (launches per month) of the default army in the theatre (fama_manpower × "
       "theatre_share at their defaults); a larger or smaller army there has a tempo in proportion",
       "[SEED] ~5/month in the centre Apr–Jul 2023; ≥20 in the north Aug–Oct 2023"),
    Param("operation_size", 600, 100, 5000, "personnel", "lever", "capacity",
       "Army personnel per operation", "[S7, S31] Kidal column of 600 FAMa, Oct 2023"),
    Param("wagner_per_operation", 200, 0, 2000, "personnel", "lever", "capacity",
       "Wagner personnel accompanying an army operation", "[S7] 150–200 Wagner with the Kidal column"),
    Param("ct_target_min", 0.1, 0.0, 1.0, "influence", "uncertainty", "capacity",
       "Least JNIM/ISSP influence that makes a town a counter-insurgency target", "assumption"),
    Param("rebel_zone_influence", 0.3, 0.0, 1.0, "influence", "uncertainty", "capacity",
       "CSP influence that marks the rebels' zone, which the army avoids while the 2015 accord holds",
       "assumption; [S54] the CSP saw army moves into UN camps as a breach"),
    Param("reclaim_weight", 0.6, 0.0, 1.0, "0 protect … 1 reclaim", "lever", "capacity",
       "The junta's doctrine: how much its command values reclaiming a UN camp the UN vacates (and, at war, a "
       "rebel-held town) against protecting populated towns from armed groups",
       "[SEED] assumption: a stated judgement of the junta's sovereignty priority (it sent columns to the "
       "vacated camps of Ber, Anéfis and Kidal while the centre was left to itself), not fitted to counts"),
    Param("handover_lead_days", 3, 0, 60, "days", "uncertainty", "capacity",
       "Days before a UN camp's published closure by which the army's command aims to have a column there "
       "(it sets off that much earlier than the journey from its nearest hub takes)",
       "[S34, S35] at Ber the army's column fought near the camp on 11-12 Aug 2023 and took it on its closure "
       "day, 13 Aug; at Tessalit the army was in on the closure day [S11]"),
    Param("planning_days", 30, 0, 180, "days", "uncertainty", "capacity",
       "How far ahead the army's command plans for the UN's published handovers: it keeps back the columns "
       "each camp due within that many days will need, and spends them on nothing worth less",
       "assumption: a month's planning on the UN's closure timetable, which the state knew (it took over each "
       "camp on its closure day [S35])"),
    Param("protect_pop", 20000.0, 100.0, 1000000.0, "inhabitants", "uncertainty", "capacity",
       "Town population at which protecting it is worth half as much to the army's command as protecting a "
       "large city", "assumption: a regional town of ~20,000 matters half as much as a city"),
    Param("command_noise", 0.5, 0.0, 3.0, "s.d. of log score", "uncertainty", "capacity",
       "Error in the army command's estimate of each target's score (log-normal spread; 0: it always picks "
       "the best)", "assumption: imperfect intelligence on threats and resistance"),
    Param("operation_days", 4, 1, 60, "days", "lever", "capacity",
       "Days an operation stays on target", "assumption"),
    Param("supply_attrition", 0.00003, 0.0, 0.01, "share/day per 100 km", "uncertainty", "capacity",
       "Daily strength loss per 100 km from the nearest supply hub", "assumption"),
    # --- movement -------------------------------------------------------------
    Param("speed_paved", 250.0, 10.0, 1000.0, "km/day", "uncertainty", "movement",
       "Convoy speed on paved roads", "assumption"),
    Param("speed_track", 80.0, 5.0, 500.0, "km/day", "uncertainty", "movement",
       "Convoy speed on tracks", "assumption; Gao–Anéfis column took ~5 days for ~220 km [S7, S44]"),
    Param("speed_seasonal", 40.0, 1.0, 300.0, "km/day", "uncertainty", "movement",
       "Convoy speed on seasonal tracks", "assumption"),
    Param("speed_river", 100.0, 5.0, 500.0, "km/day", "uncertainty", "movement",
       "Travel speed on the Niger river", "assumption"),
    # --- combat ---------------------------------------------------------------
    Param("lethality", 0.01, 0.0, 1.0, "casualties per effective enemy per day", "uncertainty", "combat",
       "Lanchester square-law attrition coefficient: what one effective fighter kills of the enemy in a day of battle",
       "calibrated with the loss tolerances: ~5,400 fighters killed in the first year (experiments/"
       "combat_calibration); >650 killed mid-June–early Oct 2023 [S56]; ACLED: 6,671 May 2023–May 2024"),
    Param("effectiveness_fama", 1.0, 0.1, 5.0, "relative", "uncertainty", "combat",
       "Combat effectiveness of FAMa", "reference value"),
    Param("effectiveness_wagner", 1.6, 0.1, 5.0, "relative", "uncertainty", "combat",
       "Combat effectiveness of Wagner", "assumption (air support, heavier weapons)"),
    Param("effectiveness_un", 1.2, 0.1, 5.0, "relative", "uncertainty", "combat",
       "Combat effectiveness of UN troops", "assumption"),
    Param("effectiveness_jnim", 1.0, 0.1, 5.0, "relative", "uncertainty", "combat",
       "Combat effectiveness of JNIM", "assumption"),
    Param("effectiveness_csp", 1.1, 0.1, 5.0, "relative", "uncertainty", "combat",
       "Combat effectiveness of CSP", "assumption (Bourem, Léré, Dioura raids [S8, S43, S36])"),
    Param("effectiveness_issp", 1.0, 0.1, 5.0, "relative", "uncertainty", "combat",
       "Combat effectiveness of ISSP", "assumption"),
    Param("fortification", 2.0, 1.0, 10.0, "multiplier", "uncertainty", "combat",
       "Defenders of their own base or camp count this many times their number (in the fire they give and take)",
       "assumption; the 3:1 rule of thumb for attacking a prepared defence"),
    Param("combat_noise", 0.3, 0.0, 2.0, "s.d. of log losses", "uncertainty", "combat",
       "Chance in each exchange of fire: log-normal spread of each side's fire", "assumption"),
    Param("attacker_loss_tolerance", 0.03, 0.0, 1.0, "share killed", "uncertainty", "combat",
       "Attackers halt once this share of the strength they committed to a fight has been killed",
       "assumption: with ~3 wounded per death, 3 % killed is ~12 % casualties; raids break off well before "
       "combat ineffectiveness (30–40 % casualties)"),
    Param("defender_loss_tolerance", 0.045, 0.0, 1.0, "share killed", "uncertainty", "combat",
       "Defenders withdraw once this share of the strength they committed has been killed",
       "assumption: ~18 % casualties; defenders hold longer than attackers press, so that at equal "
       "effectiveness an assault pays off from effective odds of about 1.2"),
    Param("withdraw_odds", 3.0, 1.0, 100.0, "force ratio", "uncertainty", "combat",
       "Defenders withdraw (and columns turn back) when outgunned by this effective force ratio",
       "assumption: the classic 3:1 ratio beyond which a defence is untenable"),
    Param("ied_rate", 0.05, 0.0, 1.0, "per unit per day of travel", "uncertainty", "combat",
       "Daily chance that a travelling unit hits an IED on a corridor fully under hostile influence",
       "assumption; 134 IED attacks on MINUSMA in 2022 [S76]"),
    Param("ied_casualties", 4.0, 0.0, 50.0, "personnel", "uncertainty", "combat",
       "Personnel lost when a vehicle hits an IED (a vehicle's crew)", "assumption: one pick-up or armoured car"),
    Param("ambush_rate", 0.1, 0.0, 1.0, "per column per day of travel", "uncertainty", "combat",
       "Daily chance of an ambush on a column on a corridor fully under hostile influence",
       "assumption: ~40 ambushes a year, as many as the model had when it drew them per unit"),
    Param("ambush_commitment", 0.15, 0.0, 1.0, "share", "uncertainty", "combat",
       "Share of a group's fighters within strike_reach of a corridor's ends committed to an ambush there",
       "assumption"),
    Param("ambush_lethality", 0.05, 0.0, 1.0, "casualties per effective enemy per ambush", "uncertainty", "combat",
       "Square-law attrition coefficient of one ambush (short, close-range fire)",
       "assumption: ~30 killed (both sides) per ambush on average"),
    Param("ambush_advantage", 2.0, 1.0, 10.0, "multiplier", "uncertainty", "combat",
       "Ambushers count this many times their number (surprise, cover)", "assumption"),
    Param("drone_sorties", 0.3, 0.0, 20.0, "sorties/day", "lever", "combat",
       "State armed-drone strike sorties per day (0: no drones)",
       "assumption: a small Bayraktar TB2 fleet (deliveries Dec 2022 and Mar 2023, ~6 in 2023; 17 by Jan 2024 "
       "[S170]) flying about two strikes a week"),
    Param("drone_strike_casualties", 4.0, 0.0, 50.0, "fighters/sortie", "uncertainty", "combat",
       "Fighters killed by one drone strike", "assumption: a TB2 carries four MAM-L guided munitions [S170]"),
    Param("drone_civilian_risk", 0.1, 0.0, 1.0, "per sortie", "uncertainty", "combat",
       "Chance that a drone strike kills civilians (on average atrocity_fatalities of them)",
       "assumption; Kidal, 7 Nov 2023: 12–14 killed incl. children [S46, S171]"),
    # --- insurgent behaviour --------------------------------------------------
    Param("jnim_attack_rate", 0.02, 0.0, 1.0, "per unit-day", "uncertainty", "insurgents",
       "Daily chance an idle JNIM unit looks for a target", "assumption"),
    Param("csp_attack_rate", 0.2, 0.0, 1.0, "per unit-day", "uncertainty", "insurgents",
       "Daily chance an idle CSP unit at war looks for a target",
       "calibrated to [SEED]: ≥5 army bases overrun Sep–Oct 2023"),
    Param("strike_reach", 2, 1, 6, "corridors", "uncertainty", "insurgents",
       "How many corridors from its position an armed-group unit looks for targets", "assumption: a few days' drive"),
    Param("base_target_weight", 2.0, 1.0, 10.0, "relative weight", "uncertainty", "insurgents",
       "Priority of a base (army base or vacated UN camp) over an ordinary town as a target, for every side",
       "assumption: bases are the prizes the withdrawal created"),
    Param("strike_network_min", 0.05, 0.0, 1.0, "influence", "uncertainty", "insurgents",
       "Least influence a group needs in a town to strike it (its local network)", "assumption"),
    Param("attack_odds", 1.2, 0.1, 10.0, "force ratio", "uncertainty", "insurgents",
       "Least effective force ratio (after fortification) at which a side assaults a town: armed groups planning "
       "an attack, and any side meeting a hostile force in a town",
       "assumption; at equal effectiveness the loss tolerances make an assault pay off from about 1.2"),
    Param("vacated_base_value", 4.0, 0.0, 20.0, "relative weight", "uncertainty", "insurgents",
       "Attraction of an unheld vacated UN base as a target", "assumption; CSP seized Aguelhok camp the day the UN left [SEED]"),
    Param("jnim_csp_cooperation", 0.8, 0.0, 1.0, "0 hostile … 1 tacit allies", "uncertainty", "insurgents",
       "JNIM–rebel relationship: the chance the partner's fighters near a target join an attack, the weight of "
       "the partner's fighters near the road in an ambush; JNIM IEDs and clashes spare the rebels as far",
       "[SEED] same-place attacks within 24 h; JNIM IEDs spare rebels"),
    Param("accord_strength", 0.5, 0.0, 1.0, "0 broken … 1 binding", "lever", "insurgents",
       "How far the 2015 Algiers accord still restrains the rebels: the share of the threat to their zone they "
       "set aside for its sake (1: they never go to war)",
       "assumption: half-broken by mid-2023 — signed 2015 [S158], CSP out of the talks Dec 2022 [S70], the UN's "
       "departure a 'fatal blow' to it (CSP, 21 Jun 2023) [S54]"),
    Param("rebel_threat_memory", 20.0, 1.0, 365.0, "days", "uncertainty", "insurgents",
       "How long the rebels remember the threat to their zone (time constant of its exponential smoothing)",
       "assumption: a few weeks, as between the army's move on Ber (Aug) and the CSP's declaration (Sep 2023) [SEED]"),
    Param("rebel_grievance_weight", 0.25, 0.0, 5.0, "per unit of grievance", "uncertainty", "insurgents",
       "Weight of the grievance against the state among the people of the rebels' zone in the threat they see, "
       "against state personnel there per rebel fighter",
       "assumption; 0.5 → 0.25 with rebel_threat_tolerance 0.04 → 0.035 after the deciders were merged: at war by 15 Sep "
       "2023 in 13 of 20 seeds, at war at all within 300 days without the withdrawal in 6 of 20 (was 15 and 8)"),
    Param("rebel_threat_tolerance", 0.027, 0.0, 5.0, "index", "uncertainty", "insurgents",
       "Remembered threat to their zone (state personnel there per rebel fighter + grievance against the state "
       "there), less what the accord restrains, at which the rebels go to war",
       "calibrated to [S10, SEED]: war declared 10–11 Sep 2023, not before the UN left; 0.035 → 0.027 once the army "
       "stopped sending columns into towns its own garrison holds and abuses were halved: first day at war over "
       "seeds 0–19 from 20 Aug to 29 Oct 2023 (median 1 Sep), at war within 300 days without the withdrawal in "
       "0 of 20"),
    # --- footholds, blockades, redeployment (JNIM, ISSP) ---------------------------
    Param("foothold_rate", 0.01, 0.0, 0.3, "per unit-day", "uncertainty", "expansion",
       "Daily chance a spare idle JNIM/ISSP unit (beyond one holding its town) looks for a new foothold within "
       "strike_reach where the state is absent", "assumption: half jnim_attack_rate (a move every ~100 days)"),
    Param("blockade_rate", 0.01, 0.0, 0.3, "per unit-day", "uncertainty", "expansion",
       "Daily chance a spare idle JNIM/ISSP unit looks for a state-held town within strike_reach it cannot take, "
       "to sit on one of its approaches", "assumption: half jnim_attack_rate (a move every ~100 days)"),
    Param("redeploy_rate", 0.01, 0.0, 0.3, "per unit-day", "uncertainty", "expansion",
       "Daily chance a spare idle JNIM/ISSP unit with nothing within reach (no target, foothold or blockade) "
       "moves to the best prospect anywhere", "assumption: half jnim_attack_rate (a move every ~100 days)"),
    Param("redeploy_discount", 0.1, 0.0, 1.0, "share/day of travel", "uncertainty", "expansion",
       "Share of a distant prospect's value lost per day of travel to it (a redeploying unit weighs value "
       "× (1 − discount)^days)", "assumption"),
    Param("blockade_supply_km", 1000.0, 0.0, 10000.0, "km", "uncertainty", "expansion",
       "A fully blockaded town's state units wear (at supply_attrition) as if their supplies came this much "
       "further than their hub (resupplied round by air or river); partial blockades in proportion",
       "assumption: of the order of the longest supply lines on the map"),
    Param("blockade_road_threat", 1.0, 0.0, 10.0, "multiplier", "uncertainty", "expansion",
       "Extra IED and ambush chance by the blockading group on corridors to or from a fully blockaded town "
       "(× 1 + this × share of approaches held)", "assumption: a blockade doubles the danger on its roads"),
    Param("blockade_influence", 0.01, 0.0, 1.0, "share/day", "uncertainty", "expansion",
       "Daily growth of the blockading group's influence in a fully blockaded town (share of its gap to full; "
       "partial blockades in proportion): people must deal with whoever holds the roads",
       "assumption: half of insurgent_growth"),
    # --- UN -------------------------------------------------------------------
    Param("un_withdrawal", True, 0, 1, "", "lever", "un",
       "The UN withdraws on the scenario's closure dates", "[S14] Res. 2690 (30 Jun 2023)"),
    Param("withdrawal_shift_days", 0, -120, 730, "days", "lever", "un",
       "Shift every planned closure date by this many days", "scenario lever"),
    Param("withdrawal_stretch", 1.0, 0.1, 5.0, "factor", "lever", "un",
       "Stretch the closure timetable after the first closure (<1 faster, >1 slower)", "scenario lever"),
    Param("un_deterrence", 0.8, 0.0, 1.0, "share", "uncertainty", "un",
       "Reduction of armed groups' attacks in and next to a town with an open UN base", "assumption"),
    Param("un_abuse_deterrence", 0.3, 0.0, 1.0, "share", "uncertainty", "un",
       "Reduction of abuses of civilians in and next to a town with an open UN base",
       "assumption: the UN's camps deter attacks on them more than abuses in the countryside around them"),
    # --- atrocities, grievance, recruitment -------------------------------------
    Param("abuse_rate_fama", 0.1, 0.0, 5.0, "abuses per 100 personnel-days", "lever", "atrocities",
       "Abuses of civilians per 100 FAMa personnel per day on an operation among civilians",
       "calibrated with abuse_rate_wagner to [SEED] ≥11 army and Wagner violations in the north in 21 days of "
       "Oct 2023 (halved with it once the army's command sent more of its columns north, to keep the model's "
       "October count at the same order, tests/test_claims.py); FAMa abuses documented before Wagner [S65]"),
    Param("abuse_rate_wagner", 0.6, 0.0, 5.0, "abuses per 100 personnel-days", "lever", "atrocities",
       "Abuses of civilians per 100 Wagner personnel per day on an operation among civilians",
       "calibrated with abuse_rate_fama to [SEED] ≥11 army and Wagner violations in 21 days of Oct 2023; the "
       "higher rate per head than the army's is an assumption (Moura 2022 [S65])"),
    Param("abuse_rate_jnim", 0.03, 0.0, 5.0, "abuses per 100 personnel-days", "uncertainty", "atrocities",
       "Abuses of civilians per 100 JNIM fighters per day on an attack among civilians",
       "assumption (≈ the former 0.08 per attack); Banikane boat attack [S32]"),
    Param("abuse_rate_csp", 0.005, 0.0, 5.0, "abuses per 100 personnel-days", "uncertainty", "atrocities",
       "Abuses of civilians per 100 CSP fighters per day on an attack among civilians",
       "assumption (≈ the former 0.02 per attack)"),
    Param("abuse_rate_issp", 0.08, 0.0, 5.0, "abuses per 100 personnel-days", "uncertainty", "atrocities",
       "Abuses of civilians per 100 ISSP fighters per day on an attack among civilians",
       "assumption (≈ the former 0.2 per attack); Talataye 2022 [S102]"),
    Param("civilian_contact_pop", 10000.0, 100.0, 1000000.0, "inhabitants", "uncertainty", "atrocities",
       "Town population at which a force on operation meets half the civilians it would in a large town",
       "assumption: a hamlet exposes few civilians; in a large town the force's own size limits its contact"),
    Param("atrocity_fatalities", 2.0, 1.0, 500.0, "civilians", "uncertainty", "atrocities",
       "Mean civilians killed per abuse",
       "assumption: most abuses counted (killings, disappearances, torture) claim one or a few lives; massacres "
       "are the tail (ACLED: 456 killed in 9 incidents Jan–Apr 2022 [S65])"),
    Param("grievance_per_death", 0.04, 0.0, 1.0, "per civilian killed", "uncertainty", "grievance",
       "Share of the way to full grievance (1) against the perpetrator's side that each civilian killed in a town "
       "adds there", "assumption"),
    Param("grievance_spread", 0.05, 0.0, 1.0, "share/day", "uncertainty", "grievance",
       "Share of the gap to neighbouring towns' grievance closed each day", "assumption"),
    Param("grievance_decay", 0.005, 0.0, 1.0, "share/day", "uncertainty", "grievance",
       "Daily decay of grievance (half-life ≈ 140 days at 0.005)", "assumption"),
    Param("base_grievance", 0.1, 0.0, 1.0, "index", "uncertainty", "grievance",
       "Background grievance not caused by atrocities", "assumption"),
    Param("grievance_influence", 2.0, 0.0, 20.0, "per unit of grievance", "uncertainty", "grievance",
       "Extra growth and spread of a group's influence per unit of grievance against the state "
       "(less grievance against the group)", "assumption"),
    Param("grievance_intel", 0.5, 0.0, 1.0, "share at full grievance", "uncertainty", "grievance",
       "Share of the state's cut of insurgent influence (operations, garrisons) lost where grievance against "
       "the state is full, as civilians stop informing", "assumption"),
    Param("recruit_rate", 0.00018, 0.0, 0.01, "recruits/inhabitant/day", "uncertainty", "recruitment",
       "Recruits per inhabitant per day at full influence and grievance", "assumption"),
    Param("recruit_cap", 1.5, 0.0, 100.0, "recruits/town/day", "uncertainty", "recruitment",
       "Most recruits one group can raise in one town per day", "assumption"),
    Param("recruit_influence_min", 0.2, 0.0, 0.9, "influence", "uncertainty", "recruitment",
       "Influence a group needs in a town before it recruits there (recruitment grows linearly above it)",
       "assumption: recruiting needs an established local network, not a trace of presence"),
    Param("recruit_catchment", 30000.0, 1000.0, 10000000.0, "inhabitants", "uncertainty", "recruitment",
       "Population at which a town's recruitable people saturate (recruitment draws on the countryside, "
       "which does not grow with the town)", "assumption: jihadist and rebel recruitment is mostly rural"),
    # --- influence and control ------------------------------------------------
    Param("insurgent_growth", 0.02, 0.0, 1.0, "share/day", "uncertainty", "influence",
       "Daily growth of a group's influence where its fighters are present", "assumption"),
    Param("influence_spread", 0.01, 0.0, 1.0, "share/day", "uncertainty", "influence",
       "Daily diffusion of influence along corridors", "assumption"),
    Param("influence_decay", 0.01, 0.0, 1.0, "share/day", "uncertainty", "influence",
       "Daily decay of a group's influence where none of its fighters stand", "assumption"),
    Param("garrison_suppression", 0.02, 0.0, 1.0, "share/day", "uncertainty", "influence",
       "Daily decay of insurgent influence where state forces are present", "assumption"),
    Param("op_influence_cut", 0.3, 0.0, 1.0, "share/day", "uncertainty", "influence",
       "Share of insurgent influence removed per day of a state operation", "assumption"),
    Param("control_threshold", 0.5, 0.05, 1.0, "influence", "uncertainty", "influence",
       "Influence a group needs to control a town without armed presence", "assumption"),
)

BY_NAME: dict[str, Param] = {p.name: p for p in PARAMS}
DAYS_PER_MONTH = 30  # monthly rates in the table (ops_per_month) become daily ones by this; calendar months vary


class UnknownParameter(AttributeError, KeyError):
    """A parameter name that is not in the table (a misspelling must never read as a default)."""

    def __init__(self, name: str):
        super().__init__(f"unknown parameter {name!r}; see `vacuum-sim params` for the table")

    def __str__(self) -> str:  # KeyError would quote the message
        return self.args[0]


class Params:
    """One scenario's parameter values: every name checked against the table on loading *and* on reading.

    Read as ``p.lethality`` (or ``p["lethality"]``); per-faction values as arrays indexed by faction id
    (:attr:`effectiveness`, :attr:`abuse_rate`), so that every use of a parameter can be found by its name.
    """

    def __init__(self, values: Mapping | None = None):
        given = dict(values or {})
        for name in given:
            if name not in BY_NAME:
                raise UnknownParameter(name)
        checked = {p.name: p.check(given.get(p.name, p.default)) for p in PARAMS}
        object.__setattr__(self, "_values", checked)
        vars(self).update(checked)  # plain attributes, read at dict speed; __getattr__ sees only unknown names
        by_faction = {
            "effectiveness": {"FAMa": checked["effectiveness_fama"], "Wagner": checked["effectiveness_wagner"],
                              "UN": checked["effectiveness_un"], "JNIM": checked["effectiveness_jnim"],
                              "CSP": checked["effectiveness_csp"], "ISSP": checked["effectiveness_issp"]},
            "abuse_rate": {"FAMa": checked["abuse_rate_fama"], "Wagner": checked["abuse_rate_wagner"],
                           "UN": 0.0, "JNIM": checked["abuse_rate_jnim"], "CSP": checked["abuse_rate_csp"],
                           "ISSP": checked["abuse_rate_issp"]},
        }
        for attr, values_ in by_faction.items():
            array = np.array([values_[f] for f in FACTIONS], dtype=float)
            array.flags.writeable = False
            object.__setattr__(self, attr, array)

    def __getattr__(self, name: str):
        if name.startswith("_"):  # private and special names (pickle asks for __setstate__ before _values exists)
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise UnknownParameter(name) from None

    def __getitem__(self, name: str):
        return self.__getattr__(name)

    def __setattr__(self, name, value):
        raise AttributeError("parameters are fixed for a run; apply changes to the scenario instead")

    def __iter__(self):
        return iter(self._values)

    def as_dict(self) -> dict:
        return dict(self._values)


def defaults() -> dict:
    return {p.name: p.default for p in PARAMS}


def markdown_table() -> str:
    """The parameter table as Markdown (docs/parameters.md is generated from this)."""
    lines = ["| name | default | range | unit | kind | meaning | source |", "|---|---|---|---|---|---|---|"]
    for group in dict.fromkeys(p.group for p in PARAMS):
        lines.append(f"| **{group}** | | | | | | |")
        for p in (p for p in PARAMS if p.group == group):
            rng = "true/false" if p.dtype is bool else f"{p.low:g} – {p.high:g}"
            default = str(p.default).lower() if p.dtype is bool else f"{p.default:g}"
            lines.append(f"| `{p.name}` | {default} | {rng} | {p.unit} | {p.kind} | {p.label} | {p.source} |")
    return "\n".join(lines) + "\n"
