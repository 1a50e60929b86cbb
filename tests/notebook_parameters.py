"""The notebooks' parameter file, as a test input for reading their run registry."""

DATA = "../2025-06-26-SpectractorExtraction-FromButler/data"
C = "u/dagoret/auxtel_run_"

# A copy of the notebooks' run registry with its real inconsistencies: run_7 in three dicts but run_v7 in three
# others, run_v3 absent from the file dicts, run_v1 absent from the last two, run_v5 twice in mergedtofindmissings,
# the string "None" for later runs, the concatenated 2026 runs absent from mergedtofindmissings, tags instead of
# collections for files from another person, relative paths, and a line that would fail if it were executed.
PARAMETERS = f'''
import os
version_run = "run2026_v02a_cr"
FLAG_REPO_EMBARGO = map_run_butler_embargo[version_run]  # NameError if executed: defined below
os.system("echo executed > {{marker}}")

map_run_butler_embargo = {{"run_v1": False, "run_v2": False, "run_v3": True, "run_v4": True, "run_v5": True,
    "run_v6": False, "run_v7": True, "run_v8": False, "run_v9": False, "run_v10": False, "run_v11": False,
    "run_v12": False, "run2026_v01": False, "run2026_v02a_cr": False}}

legendtag = {{"run_v1": "v3.1.0 (/repo/main, w_2025_25,empty,gain)",
    "run_v2": "v3.1.0 (/repo/main, w_2025_25,all-filts,gain)", "run_v3": "v3.2.0 (/repo/embargo, w_2025_36,gain),",
    "run_v4": "v3.2.0 (/repo/embargo,w_2025_36,gain)", "run_v5": "v3.2.0  (/repo/embargo,w_2025_36,ptc)",
    "run_v6": "v3.2.0  (/repo/main,w_2025_38,gain)",
    "run_v7": "v3_2_0_repo_main_w_2025_38_gain-v3_2_0_repo_embargo_w_2025_36_ptc",
    "run_v8": "v3_2_0_repo_main_w_2025_42_ptc", "run_v9": "v3_2_0_repo_main_w_2025_42_gains",
    "run_v10": "v3_2_0_repo_main_w_2025_42_gains", "run_v11": "v3_2_1_repo_main_w_2025_49_gains",
    "run_v12": "v3.2.1 (/repo/main,w_2025_49,testccdgains)", "run2026_v01": "v3.2.1 jneveu RobustFit",
    "run2026_v02a_cr": "Corentin 2026 a", "run2026_v02b_cr_run2026_v02c_cr": "Corentin 2026 b+c",
    "run2026_v02b_cr_run2026_v02d_cr": "Corentin 2026 b+d"}}

# List of user collection in butler  where the results of spectractor run are
butlerusercollectiondict = {{
    "run_v1": "{C}20250912a",
    "run_v2": "{C}20250917_w_2025_25_spectractorv31_holoallfilt_a",
    "run_v3": "{C}20250920_w_2025_36_spectractorv32_embargo_gains_holoallfilt_a",
    "run_v4": "{C}20250920_w_2025_36_spectractorv32_embargo_gains_holoallfilt_b",
    "run_v5": "{C}20250921_w_2025_36_spectractorv32_embargo_ptc_holoallfilt_a",
    "run_v6": "{C}20250921_w_2025_38_spectractorv32_main_gains_holoallfilt_a",
    "run_7": "{C}20250921_w_2025_36_spectractorv32_embargo_ptc_{C}20250921_w_2025_38_spectractorv32_main_gains",
    "run_v8": "{C}20251018_w_2025_42_spectractorv32_main_data2025_ptc_holoallfilt_a",
    "run_v9": "{C}20251018_w_2025_42_spectractorv32_all_main_data_gains_holoallfilt_b",
    "run_v10": "{C}20251022_w_2025_42_spectractorv32_all_main_data_gains_holoallfilt_a",
    "run_v11": "{C}20251205_w_2025_49_spectractorv321_all_main_2025data_gains_holoallfilt_a",
    "run_v12": "{C}20251210_w_2025_49_spectractorv321testccdgains_all_main_2025data_ptc_holoallfilt_a",
    "run2026_v01": "u/jneveu/auxtel_atmosphere_202311_v3.2.1_fixA2fixA1_RobustFit_newThroughputs/20260102T180833Z",
    "run2026_v02a_cr": "run2026_v02a_cr",
    "run2026_v02b_cr_run2026_v02c_cr": "run2026_v02b_cr_run2026_v02c_cr",
    "run2026_v02b_cr_run2026_v02d_cr": "run2026_v02b_cr_run2026_v02d_cr",
}}

extractedfilesdict = {{
    "run_v1": "{DATA}/spectro/auxtel_atmosphere_20250912a_repomain_v1.npy",
    "run_v2": "{DATA}/spectro/auxtel_run_20250917_w_2025_25_spectractorv31_holoallfilt_a_repomain_v1.npy",
    "run_v4": "{DATA}/spectro/auxtel_run_u_dagoret_auxtel_run_20250920_w_2025_36_spectractorv32_embargo_gains_holoallfilt_b_v1.npy",
    "run_v5": "{DATA}/spectro/auxtel_run_u_dagoret_auxtel_run_20250921_w_2025_36_spectractorv32_embargo_ptc_holoallfilt_a_v1.npy",
    "run_v6": "{DATA}/spectro/auxtel_run_u_dagoret_auxtel_run_20250921_w_2025_38_spectractorv32_main_gains_holoallfilt_a_v1.npy",
    "run_7": "{DATA}/spectro_joined/auxtel_run_v3_2_0_repo_main_w_2025_38_gain-join-v3_2_0_repo_embargo_w_2025_36_ptc.npy",
    "run_v8": "{DATA}/spectro/auxtel_run_u_dagoret_auxtel_run_20251018_w_2025_42_spectractorv32_main_data2025_ptc_holoallfilt_a_v1.npy",
    "run_v9": "{DATA}/spectro/auxtel_run_u_dagoret_auxtel_run_20251018_w_2025_42_spectractorv32_all_main_data_gains_holoallfilt_b_v1.npy",
    "run_v10": "{DATA}/spectro/auxtel_run_u_dagoret_auxtel_run_20251022_w_2025_42_spectractorv32_all_main_data_gains_holoallfilt_a_v1.npy",
    "run_v11": "{DATA}/spectro/auxtel_run_v11_v1.npy",
    "run_v12": "{DATA}/spectro/auxtel_run_v12_v1.npy",
    "run2026_v01": "{DATA}/spectro/auxtel_atmosphere_202311_v3.2.1_RobustFit.parquet.gz",
    "run2026_v02a_cr": "{DATA}/spectro_from_corentin/auxtel_atmosphere_feb26_gaiaspec_a.npy",
    "run2026_v02b_cr_run2026_v02c_cr": "{DATA}/spectro_from_corentin/auxtel_atmosphere_feb26_gaiaspec_b_c.npy",
    "run2026_v02b_cr_run2026_v02d_cr": "{DATA}/spectro_from_corentin/auxtel_atmosphere_feb26_gaiaspec_b_d.npy",
}}

mergedextractedfilesdict = {{
    "run_v2": "{DATA}/spectro_merged/auxtel_run_20250917_w_2025_25_spectractorv31_holoallfilt_a_repomain_v1_merged.npy",
    "run_v4": "{DATA}/spectro_merged/run_v4_merged.npy",
    "run_v5": "{DATA}/spectro_merged/run_v5_merged.npy",
    "run_v6": "{DATA}/spectro_merged/run_v6_merged.npy",
    "run_v7": "{DATA}/spectro_joined/auxtel_run_v3_2_0_repo_main_w_2025_38_gain-join-v3_2_0_repo_embargo_w_2025_36_ptc.npy",
    "run_v8": "{DATA}/spectro_merged/run_v8_merged.npy",
    "run_v9": "{DATA}/spectro_merged/run_v9_merged.npy",
    "run_v10": "{DATA}/spectro_merged/run_v10_merged.npy",
    "run_v11": "{DATA}/spectro_merged/run_v11_merged.npy",
    "run_v12": "{DATA}/spectro_merged/run_v12_merged.npy",
    "run2026_v01": "{DATA}/spectro_merged/auxtel_atmosphere_202311_v3.2.1_RobustFit_merged.parquet.gz",
    "run2026_v02a_cr": "{DATA}/spectro_merged/run2026_v02a_cr_merged.npy",
    "run2026_v02b_cr_run2026_v02c_cr": "{DATA}/spectro_merged/run2026_v02b_c_merged.npy",
    "run2026_v02b_cr_run2026_v02d_cr": "{DATA}/spectro_merged/run2026_v02b_d_merged.npy",
}}

mergedtofindmissings = {{
    "run_v2": "{DATA}/missing_merged/exposurelist_and_run_v2.npy",
    "run_v4": "{DATA}/missing_merged/exposurelist_and_run_v4.npy",
    "run_v5": "{DATA}/missing_merged/exposurelist_and_run_v5_first.npy",
    "run_v6": "{DATA}/missing_merged/exposurelist_and_run_v6.npy",
    "run_7": "{DATA}/missing_merged/exposurelist_and_run_7.npy",
    "run_v5": "{DATA}/missing_merged/exposurelist_and_run_v5.npy",
    "run_v8": "None", "run_v9": "None", "run_v10": "None", "run_v11": "None", "run_v12": "None",
    "run2026_v01": "None", "run2026_v02a_cr": "None",
}}


def DumpConfig():
    print(version_run, butlerusercollectiondict[version_run], mergedtofindmissings[version_run])
'''
