"""Every word the product says about a profile field, a value or a therapy, once.

Each entry is an English message id marked with ``N_``; it is translated when
said (``catalog.speaker``), through ``screener/translations/*/messages.po``.
The registry reader, the curated files' explanations, the results page, the
API and the CLI all take their words from here.
"""

from __future__ import annotations

from .catalog import N_, P_

#: Profile field -> its name for people (in criteria, explanations and answers).
LABELS = {
    "age": N_("age"),
    "age_at_diagnosis": N_("age at diagnosis"),
    "sex": N_("sex"),
    "diagnosis": N_("type of ALL"),
    "early_t_precursor": N_("early T-cell precursor (ETP) leukemia"),
    "disease_status": N_("disease status"),
    "relapse_count": N_("number of relapses"),
    "months_from_diagnosis_to_relapse": N_("months from diagnosis to first relapse"),
    "in_remission": N_("being in remission now"),
    "marrow_blasts_percent": N_("bone marrow blasts (%)"),
    "wbc_at_diagnosis_per_ul": N_("white blood cell count at diagnosis (per microliter)"),
    "mrd.status": N_("measurable residual disease (MRD) result"),
    "mrd.level": N_("MRD level"),
    "philadelphia_chromosome": N_("Philadelphia chromosome (BCR::ABL1)"),
    "genetics.kmt2a_rearranged": N_("KMT2A (MLL) rearrangement"),
    "genetics.ph_like": N_("Ph-like (BCR::ABL1-like) leukemia"),
    "genetics.etv6_runx1": N_("ETV6::RUNX1"),
    "genetics.high_hyperdiploid": N_("high hyperdiploidy"),
    "genetics.hypodiploid": N_("hypodiploidy"),
    "genetics.iamp21": N_("iAMP21"),
    "genetics.tcf3_pbx1": N_("TCF3::PBX1"),
    "genetics.abl1_t315i": N_("T315I mutation"),
    "cd19": N_("CD19 on the leukemia cells"),
    "cd22": N_("CD22 on the leukemia cells"),
    "cns_status": N_("spinal fluid (CNS) status"),
    "isolated_extramedullary_relapse": N_("relapse only outside the bone marrow"),
    "prior_therapies": N_("treatments received"),
    "active_gvhd": N_("active graft-versus-host disease"),
    "performance_status": N_("performance status"),
    "down_syndrome": N_("Down syndrome"),
    "seizure_disorder": N_("seizure disorder or other brain/nerve disease"),
    "pregnant_or_breastfeeding": N_("pregnancy or breastfeeding"),
    "infections.hiv": N_("HIV"),
    "infections.hepatitis_b": N_("active hepatitis B"),
    "infections.hepatitis_c": N_("active hepatitis C"),
    "infections.uncontrolled_infection": N_("an infection that is not under control"),
    "organ_function.creatinine_clearance_ml_min": N_("creatinine clearance (mL/min)"),
    "organ_function.bilirubin_x_uln": N_("bilirubin (times the upper limit of normal)"),
    "organ_function.alt_x_uln": N_("ALT (times the upper limit of normal)"),
    "organ_function.ast_x_uln": N_("AST (times the upper limit of normal)"),
    "organ_function.lvef_percent": N_("heart ejection fraction (LVEF, %)"),
}

#: Therapy code (the profile's prior_therapies enum) -> its name for people.
THERAPIES = {
    "multiagent_chemotherapy": N_("multi-drug chemotherapy"),
    "asparaginase": N_("asparaginase"),
    "anthracycline": N_("an anthracycline (such as doxorubicin or daunorubicin)"),
    "intrathecal_chemotherapy": N_("chemotherapy into the spinal fluid"),
    "corticosteroids": N_("steroids"),
    "nelarabine": N_("nelarabine"),
    "clofarabine": N_("clofarabine"),
    "blinatumomab": N_("blinatumomab (Blincyto)"),
    "inotuzumab_ozogamicin": N_("inotuzumab ozogamicin (Besponsa)"),
    "cd19_car_t": N_("CD19 CAR-T cell therapy (such as Kymriah or Tecartus)"),
    "cd22_car_t": N_("CD22 CAR-T cell therapy"),
    "other_car_t": N_("another CAR-T cell therapy"),
    "imatinib": N_("imatinib (Gleevec)"),
    "dasatinib": N_("dasatinib (Sprycel)"),
    "nilotinib": N_("nilotinib (Tasigna)"),
    "ponatinib": N_("ponatinib (Iclusig)"),
    "asciminib": N_("asciminib (Scemblix)"),
    "venetoclax": N_("venetoclax (Venclexta)"),
    "bortezomib": N_("bortezomib (Velcade)"),
    "daratumumab": N_("daratumumab (Darzalex)"),
    "rituximab": N_("rituximab (Rituxan)"),
    "cranial_radiation": N_("radiation to the head"),
    "allogeneic_hsct": N_("a stem cell transplant from a donor"),
    "autologous_hsct": N_("a stem cell transplant with your own cells"),
    "investigational_agent": N_("an investigational (study) drug"),
}

#: Profile field -> what to ask the care team when its answer is missing.
ASK = {
    "age": N_("Ask your care team to confirm the exact age (years and months)."),
    "sex": N_("Ask the study team whether the study is open to any sex."),
    "diagnosis": N_("Ask your care team whether the leukemia is B-cell or T-cell ALL."),
    "disease_status": N_("Ask your care team whether the leukemia is newly diagnosed, has come "
                         "back (relapsed) or did not respond to treatment (refractory)."),
    "age_at_diagnosis": N_("Ask your care team how old the patient was when ALL was first "
                           "diagnosed."),
    "relapse_count": N_("Ask your care team how many times the leukemia has come back."),
    "months_from_diagnosis_to_relapse": N_("Ask your care team how many months after diagnosis "
                                           "the leukemia first came back."),
    "isolated_extramedullary_relapse": N_("Ask your care team whether the latest relapse was only"
                                          " outside the bone marrow."),
    "in_remission": N_("Ask your care team whether the leukemia is in remission now."),
    "marrow_blasts_percent": N_("Ask your care team what percentage of leukemia cells (blasts) "
                                "the latest bone marrow test found."),
    "mrd.status": N_("Ask your care team whether the latest MRD test was positive or negative."),
    "mrd.level": N_("Ask your care team for the level of the latest MRD test."),
    "philadelphia_chromosome": N_("Ask your care team whether the leukemia is Philadelphia "
                                  "chromosome positive (BCR::ABL1)."),
    "cd19": N_("Ask your care team whether the leukemia cells are CD19-positive."),
    "cd22": N_("Ask your care team whether the leukemia cells are CD22-positive."),
    "cns_status": N_("Ask your care team whether leukemia was found in the spinal fluid (the CNS "
                     "status)."),
    "prior_therapies": N_("Bring the list of every leukemia treatment so far, with dates, and ask"
                          " your care team to check it."),
    "active_gvhd": N_("Ask your care team whether there is active graft-versus-host disease."),
    "performance_status": N_("Ask your care team for the performance score (ECOG, Karnofsky or "
                             "Lansky)."),
    # (Under "Questions for your care team": each line is one for the care team.)
    "down_syndrome": N_("Ask your care team whether the patient has Down syndrome."),
    "pregnant_or_breastfeeding": N_("Ask your care team whether a pregnancy test is needed."),
    "infections.hiv": N_("Ask your care team about HIV test results."),
    "infections.hepatitis_b": N_("Ask your care team about hepatitis B test results."),
    "infections.hepatitis_c": N_("Ask your care team about hepatitis C test results."),
    "infections.uncontrolled_infection": N_("Ask your care team whether any infection is under "
                                            "control."),
    "seizure_disorder": N_("Ask your care team whether there is a seizure disorder or other brain"
                           " or nerve illness."),
    "wbc_at_diagnosis_per_ul": N_("Ask your care team for the white blood cell count at "
                                  "diagnosis."),
    # One question for every genetics.* field: one report answers them all.
    "genetics": N_("Ask your care team what the genetic tests of the leukemia cells found "
                   "(cytogenetics, FISH or sequencing)."),
}

#: Enum values of the profile, as people say them.
VALUES = {
    "b_all": N_("B-cell ALL"),
    "t_all": N_("T-cell ALL"),
    "mixed_phenotype": N_("mixed-phenotype leukemia"),
    "lymphoblastic_lymphoma": N_("lymphoblastic lymphoma"),
    "other": N_("other"),
    "newly_diagnosed": N_("newly diagnosed"),
    "relapsed": N_("relapsed"),
    "refractory": N_("refractory"),
    "positive": N_("positive"),
    "negative": N_("negative"),
    "female": N_("female"),
    "male": N_("male"),
    "cns1": N_("CNS1"),
    "cns2": N_("CNS2"),
    "cns3": N_("CNS3"),
}

#: How a therapy went (received_with_outcome): the same English word as a disease
#: status, with another meaning, so each carries its own context.
OUTCOMES = {
    "refractory": P_("therapy outcome", "refractory"),
    "intolerant": P_("therapy outcome", "intolerant"),
    "responded": P_("therapy outcome", "responded"),
}

#: Performance scales by their names.
SCALES = {"ecog": "ECOG", "karnofsky": "Karnofsky", "lansky": "Lansky"}

#: Registry age units (singular), as "21 years" / "21 años".
UNITS = {
    "year": (N_("%(n)s year"), N_("%(n)s years")),
    "month": (N_("%(n)s month"), N_("%(n)s months")),
    "week": (N_("%(n)s week"), N_("%(n)s weeks")),
    "day": (N_("%(n)s day"), N_("%(n)s days")),
    "hour": (N_("%(n)s hour"), N_("%(n)s hours")),
    "minute": (N_("%(n)s minute"), N_("%(n)s minutes")),
}
