// Kysely table types. Keep in step with src/db/migrations/*.sql (the SQL is the source of truth;
// test/db/schema.db.test.ts checks that every table here exists with these columns).
// Types as returned by both engines (see connection.ts): int8 -> number, numeric -> string,
// date -> 'YYYY-MM-DD' string, timestamptz -> Date, jsonb -> parsed JSON.
import type { ColumnType, Generated, Insertable, Kysely, Selectable, Updateable } from "kysely";

type Id = Generated<number>;
/** numeric: read as exact decimal string; numbers accepted on write. */
type Numeric = ColumnType<string, string | number, string | number>;
type NumericNullable = ColumnType<string | null, string | number | null | undefined, string | number | null>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type TimestampNullable = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string | undefined, string>;
type DefaultBool = ColumnType<boolean, boolean | undefined, boolean>;
type DefaultNumber = ColumnType<number, number | undefined, number>;
type DefaultText = ColumnType<string, string | undefined, string>;

export type StructureKind = "ACI" | "AI" | "EI" | "ETTI" | "EITI";
export type AnnexState =
  | "BROUILLON"
  | "SAISI"
  | "VALIDE"
  | "PROVISOIRE"
  | "REJETE"
  | "HISTORISE"
  | "ANNULE"
  | "DEMANDE_ANNULATION"
  | "CLOTURE";
export type RsaFlag = "NON" | "OUI-M" | "OUI-NM";
export type ExitGroup = "durable" | "transition" | "positive" | "other" | "retrait";
export type Role = "national" | "regional" | "departemental" | "conseil_departemental" | "siae" | "admin";

export interface SchemaMigrationTable {
  version: string;
  name: string;
  checksum: string;
  applied_at: DefaultTimestamp;
}
export interface ReferenceDataVersionTable {
  name: string;
  checksum: string;
  loaded_at: DefaultTimestamp;
}

export interface RefRegionTable {
  code: string;
  name: string;
}
export interface RefDepartementTable {
  code: string;
  name: string;
  region_code: string;
}
export interface RefDepartementAspCodeTable {
  asp_code: string;
  departement_code: string;
}
export interface RefCommuneTable {
  code: string;
  name: string;
  departement_code: string;
}
export interface RefPostalCodeTable {
  postal_code: string;
  commune_code: string;
}
export interface RefPublicHolidayTable {
  day: string;
  zone: string;
  name: string;
}
export interface RefMesureTable {
  code: string;
  asp_id: number | null;
  kind: string;
  label: string;
  counts_for_posts: boolean;
  penitentiary: DefaultBool;
}
export interface RefExitCategoryTable {
  code: number;
  label: string;
  grp: ExitGroup;
  confidence: DefaultText;
}
export interface RefExitMotifTable {
  code: number;
  label: string;
  category_code: number;
  confidence: DefaultText;
}
export interface RefEligibilityCriterionTable {
  code: string;
  level: number;
  label: string;
  description: string | null;
  written_proof: string | null;
  proof_validity: string | null;
  certifiable: DefaultBool;
}
export interface RefCodeLabelTable {
  code: string;
  label: string;
}
export interface RefAidRateTable {
  id: Id;
  kind: string;
  territory: "droit_commun" | "penitentiaire" | "mayotte";
  valid_from: string;
  valid_to: string | null;
  unit_amount: Numeric;
  accompaniment_amount: NumericNullable;
  confidence: "H" | "M" | "L";
  source: string;
}
export interface RefAnnualHoursTable {
  kind: StructureKind;
  hours: Numeric;
  confidence: "H" | "M" | "L";
}
export interface FundingLineTable {
  code: string;
  label: string;
  financer: "etat" | "departement" | "autre";
}

export interface StructureGroupTable {
  id: Id;
  name: string;
  description: string | null;
  created_at: DefaultTimestamp;
}
export interface StructureTable {
  id: Id;
  kind: StructureKind;
  asp_id: number | null;
  siret: string | null;
  name: string;
  legal_form: string | null;
  naf_code: string | null;
  address_line: string | null;
  postal_code: string | null;
  commune_code: string | null;
  commune_name: string | null;
  departement_code: string;
  departement_asp_code: string | null;
  /** Département of the structure's latest AF number (the DDETS that signed it), kept by triggers (migration 0411). */
  convention_departement_code: ColumnType<string | null, string | null | undefined, string | null>;
  phone: string | null;
  email: string | null;
  created_on: string | null;
  closed_on: string | null;
  is_synthetic: DefaultBool;
  source: DefaultText;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}
export interface StructureGroupMemberTable {
  group_id: number;
  structure_id: number;
}
export interface SiteTable {
  id: Id;
  structure_id: number | null;
  group_id: number | null;
  name: string;
  address_line: string | null;
  postal_code: string | null;
  commune_code: string | null;
  surface_m2: NumericNullable;
  permanent_staff: number | null;
  opened_on: string | null;
  closed_on: string | null;
}
export interface ConventionTable {
  id: Id;
  structure_id: number;
  number: string;
  starts_on: string;
  ends_on: string;
  signed_on: string | null;
  created_at: DefaultTimestamp;
}
export interface FinancialAnnexTable {
  id: Id;
  structure_id: number;
  convention_id: number | null;
  asp_af_id: number | null;
  number_prefix: string;
  renewal: DefaultNumber;
  modification: DefaultNumber;
  number: ColumnType<string, never, never>;
  mesure_code: string;
  state: AnnexState;
  starts_on: string;
  ends_on: string;
  etp: Numeric;
  annual_hours: Numeric;
  unit_amount: NumericNullable;
  total_amount: NumericNullable;
  cofinanced: DefaultBool;
  cofinanced_amount: ColumnType<string, string | number | undefined, string | number>;
  financer_code: string | null;
  penitentiary: DefaultBool;
  modulation_percent: NumericNullable;
  modulated_amount: NumericNullable;
  forecast_exits: number | null;
  forecast_dynamic_rate: NumericNullable;
  forecast_durable_rate: NumericNullable;
  forecast_transition_rate: NumericNullable;
  forecast_positive_rate: NumericNullable;
  signed_on: string | null;
  state_dates: Json;
  extra: Json;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}
export interface FinancialAnnexFundingTable {
  annex_id: number;
  funding_line_code: string;
  amount: Numeric;
}

export interface PersonTable {
  id: Id;
  nir_encrypted: string | null;
  nir_hash: string | null;
  ntt: string | null;
  civility: "M" | "MME" | null;
  last_name: string | null;
  birth_name: string | null;
  first_name: string | null;
  birth_date: string | null;
  birth_year: number | null;
  birth_country_code: string | null;
  address_line: string | null;
  postal_code: string | null;
  commune_code: string | null;
  departement_code: string | null;
  email: string | null;
  phone: string | null;
  education_level_code: string | null;
  is_qpv: boolean | null;
  is_zrr: boolean | null;
  is_synthetic: DefaultBool;
  pseudonymised: DefaultBool;
  anonymised_at: TimestampNullable;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}
export interface PersonAspIdTable {
  structure_id: number;
  asp_pph_id: number;
  person_id: number;
}
export interface EligibilityDiagnosisTable {
  id: Id;
  person_id: number;
  author_kind: "prescriber" | "siae";
  author_structure_id: number | null;
  prescriber_organization: string | null;
  made_on: string;
  expires_on: string;
  created_at: DefaultTimestamp;
}
export interface EligibilityDiagnosisCriterionTable {
  diagnosis_id: number;
  criterion_code: string;
  certified: DefaultBool;
}
export interface ApprovalTable {
  id: Id;
  person_id: number;
  number_encrypted: string | null;
  number_hash: string | null;
  number_last4: string | null;
  starts_on: string;
  ends_on: string;
  diagnosis_id: number | null;
  origin: DefaultText;
  created_at: DefaultTimestamp;
}
/** A suspension or a prolongation: a dated period of an approval, with its reason and who declared it. */
export interface ApprovalSuspensionTable {
  id: Id;
  approval_id: number;
  starts_on: string;
  ends_on: string;
  reason: string;
  declared_by_structure_id: number | null;
  created_at: DefaultTimestamp;
}
export interface ApprovalProlongationTable extends ApprovalSuspensionTable {
  prescriber_organization: string | null;
}
export interface ContractTable {
  id: Id;
  asp_contract_id: number | null;
  person_id: number;
  structure_id: number;
  recruitment_id: number | null;
  rank: DefaultNumber;
  mesure_code: string;
  contract_type:
    | "CDDI"
    | "MISSION"
    | "MISE_A_DISPOSITION"
    | "CDD_USAGE"
    | "CDI_INCLUSION"
    | "PROFESSIONNALISATION"
    | "ACCOMPAGNEMENT_TI"
    | "AUTRE";
  starts_on: string;
  planned_end_on: string | null;
  exit_on: string | null;
  weekly_hours: NumericNullable;
  monthly_gross_pay: NumericNullable;
  rome_code: string | null;
  rsa: ColumnType<RsaFlag, RsaFlag | undefined, RsaFlag>;
  rqth: DefaultBool;
  aged_50_or_more: boolean | null;
  orienteur_code: string | null;
  education_level_code: string | null;
  approval_id: number | null;
  extra: Json;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}
export interface MonthlyDeclarationTable {
  id: Id;
  asp_emi_id: number | null;
  annex_id: number;
  contract_id: number;
  person_id: number;
  structure_id: number;
  month: string;
  hours: Numeric;
  billed_hours: NumericNullable;
  gross_pay: NumericNullable;
  state: ColumnType<"BROUILLON" | "VALIDE", "BROUILLON" | "VALIDE" | undefined, "BROUILLON" | "VALIDE">;
  exit_motif_code: number | null;
  /** AI only: the part of `hours` placed with companies (capped, L.5132-9); NULL = not stated (imports, other kinds). */
  company_hours: NumericNullable;
  validated_at: TimestampNullable;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}
/** A préfet's authorisation for an AI to exceed the 480 h of company placements (L.5132-9 2°, D.5132-18-1). */
export interface AiPlacementDerogationTable {
  id: Id;
  structure_id: number;
  starts_on: string;
  ends_on: string;
  decision_reference: string | null;
  created_at: DefaultTimestamp;
}
export interface SupportActionTable {
  id: Id;
  person_id: number;
  structure_id: number;
  contract_id: number | null;
  kind: "social" | "professionnel" | "technique";
  starts_on: string;
  ends_on: string | null;
  hours: NumericNullable;
  internal: DefaultBool;
  notes: string | null;
  created_at: DefaultTimestamp;
}
export interface SupportActionBarrierTable {
  action_id: number;
  barrier_code: string;
}
export interface TrainingTable {
  id: Id;
  asp_training_id: number | null;
  person_id: number;
  structure_id: number;
  contract_id: number | null;
  title: string;
  objective_code: string | null;
  type_code: string | null;
  qualifying: DefaultBool;
  starts_on: string;
  ends_on: string | null;
  hours: NumericNullable;
  created_at: DefaultTimestamp;
}
export interface ExitTable {
  id: Id;
  recruitment_id: number;
  person_id: number;
  structure_id: number;
  exit_on: string;
  motif_code: number;
  created_at: DefaultTimestamp;
}

/** Migration 0640: the situation 6 or 12 months after an exit. */
export interface FollowUpTable {
  id: Id;
  exit_id: number;
  horizon: number;
  situation: string;
  observed_on: string;
  entered_by: number | null;
  source: "saisie" | "import" | "demo";
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface AppUserTable {
  id: Id;
  email: string;
  display_name: string;
  password_hash: string | null;
  oidc_subject: string | null;
  role: Role;
  region_code: string | null;
  departement_code: string | null;
  disabled: DefaultBool;
  failed_logins: DefaultNumber;
  locked_until: TimestampNullable;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}
export interface MembershipTable {
  user_id: number;
  structure_id: number;
  is_admin: DefaultBool;
  created_at: DefaultTimestamp;
}
export interface InvitationTable {
  id: Id;
  token_hash: string;
  email: string;
  structure_id: number;
  is_admin: DefaultBool;
  invited_by: number | null;
  expires_at: Timestamp;
  accepted_at: TimestampNullable;
  created_at: DefaultTimestamp;
}
export interface UserSessionTable {
  id: string;
  user_id: number;
  csrf_token: string;
  created_at: DefaultTimestamp;
  last_seen_at: DefaultTimestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}
export interface AuditEventTable {
  id: Id;
  at: DefaultTimestamp;
  actor_user_id: number | null;
  actor_label: string;
  action: string;
  entity: string;
  entity_id: string | null;
  person_id: number | null;
  structure_id: number | null;
  before: Json | null;
  after: Json | null;
  ip: string | null;
}
export interface ImportRunTable {
  id: Id;
  started_at: DefaultTimestamp;
  finished_at: TimestampNullable;
  source: string;
  format: string;
  checksum: string | null;
  status: "running" | "succeeded" | "failed" | "dry_run";
  dry_run: DefaultBool;
  rows_read: DefaultNumber;
  inserted: DefaultNumber;
  updated: DefaultNumber;
  unchanged: DefaultNumber;
  rejected: DefaultNumber;
  duration_ms: number | null;
  user_id: number | null;
  error: string | null;
  /** Département of a DDETS import; null for a national one (docs/imports.md). */
  departement_code: ColumnType<string | null, string | null | undefined, string | null>;
}
export interface ImportRejectionTable {
  id: Id;
  import_run_id: number;
  file: string;
  line: number | null;
  column_name: string | null;
  reason: string;
  severity: ColumnType<"error" | "warning", "error" | "warning" | undefined, "error" | "warning">;
}

export interface DemoStateTable {
  departement_code: string;
  state: "loading" | "complete";
  as_of: string;
  started_at: DefaultTimestamp;
  completed_at: TimestampNullable;
}

export type JobKind = "import" | "retention" | "report" | "fiches_salarie";
export type JobStatus = "queued" | "running" | "succeeded" | "failed";
export interface JobTable {
  id: string;
  kind: JobKind;
  status: ColumnType<JobStatus, JobStatus | undefined, JobStatus>;
  payload: Json;
  owner_id: number | null;
  departement_code: string | null;
  dedupe_key: string | null;
  attempts: DefaultNumber;
  max_attempts: DefaultNumber;
  run_after: DefaultTimestamp;
  locked_by: string | null;
  lease_until: TimestampNullable;
  progress: Json;
  result: Json | null;
  error: Json | null;
  created_at: DefaultTimestamp;
  started_at: TimestampNullable;
  finished_at: TimestampNullable;
}
export interface JobFileChunkTable {
  job_id: string;
  seq: number;
  data: Uint8Array;
}
export type JobResultChunkTable = JobFileChunkTable;
export interface JobOutcomeTable {
  job_id: string;
  result: Json;
}
export type FinancingRequestState = "brouillon" | "deposee" | "en_instruction" | "proposee" | "avis_cdiae" | "decidee";
export interface FinancingRequestTable {
  id: Id;
  structure_id: number;
  year: number;
  state: ColumnType<FinancingRequestState, FinancingRequestState | undefined, FinancingRequestState>;
  requested_etp: NumericNullable;
  cofinancing_declared: ColumnType<string, string | number | undefined, string | number>;
  cofinancer: string | null;
  forecast_dynamic_rate: NumericNullable;
  forecast_durable_rate: NumericNullable;
  forecast_transition_rate: NumericNullable;
  forecast_positive_rate: NumericNullable;
  project_public: DefaultText;
  project_support: DefaultText;
  project_training: DefaultText;
  project_activity: DefaultText;
  proposed_etp: NumericNullable;
  proposed_modulation_percent: NumericNullable;
  proposed_amount: NumericNullable;
  cdiae_session_on: string | null;
  cdiae_opinion: "favorable" | "reserve" | "defavorable" | null;
  decision: "accordee" | "partiellement_accordee" | "refusee" | null;
  decided_etp: NumericNullable;
  decided_amount: NumericNullable;
  annex_id: number | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}
export interface FinancingRequestEventTable {
  id: Id;
  request_id: number;
  at: DefaultTimestamp;
  actor_user_id: number | null;
  actor_label: string;
  from_state: string | null;
  to_state: string;
  comment: DefaultText;
}
export interface FinancingRequestAttachmentTable {
  id: Id;
  request_id: number;
  file_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  content: Uint8Array;
  created_at: DefaultTimestamp;
}
export interface ControleCampaignTable {
  id: Id;
  departement_code: string;
  period_from: string;
  period_to: string;
  seed: number;
  percent: number;
  eligible_structures: number;
  proofs_due_on: string;
  review_due_on: string;
  adversarial_due_on: string;
  state: ColumnType<"en_cours" | "close", "en_cours" | "close" | undefined, "en_cours" | "close">;
  created_by: string;
  created_on: string;
  created_at: DefaultTimestamp;
}
export interface ControleStructureTable {
  campaign_id: number;
  structure_id: number;
  eligible_hirings: number;
  state: ColumnType<ControleStructureState, ControleStructureState | undefined, ControleStructureState>;
  submitted_at: TimestampNullable;
  adversarial_at: TimestampNullable;
  adversarial_submitted_at: TimestampNullable;
  decision: "conforme" | "non_conforme" | null;
  decision_reason: "delai" | "piece_incorrecte" | "piece_manquante" | "autre" | null;
  decision_comment: DefaultText;
  training_required: DefaultBool;
  suspended_from: string | null;
  suspended_to: string | null;
  aid_correction: DefaultText;
  decided_at: TimestampNullable;
  decided_by: string | null;
  /** The file's own deadlines once extended by the DDETS (migration 0760); null: the campaign's. */
  proofs_due_on: ColumnType<string | null, string | null | undefined, string | null>;
  review_due_on: ColumnType<string | null, string | null | undefined, string | null>;
  adversarial_due_on: ColumnType<string | null, string | null | undefined, string | null>;
}
export type ControleStructureState = "pieces" | "soumis" | "contradictoire" | "soumis_contradictoire" | "decide";
export type ControleReview = "en_attente" | "acceptee" | "refusee" | "refusee_2";
export interface ControleHiringTable {
  campaign_id: number;
  structure_id: number;
  contract_id: number;
}
export interface ControleCriterionTable {
  id: Id;
  campaign_id: number;
  contract_id: number;
  criterion_code: string;
  certified: DefaultBool;
  review: ColumnType<ControleReview, ControleReview | undefined, ControleReview>;
  review_comment: DefaultText;
  reviewed_at: TimestampNullable;
  reviewed_by: string | null;
}
export interface ControleProofTable {
  id: Id;
  criterion_id: number;
  phase: "initiale" | "contradictoire";
  file_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  content: Uint8Array;
  uploaded_by: string;
  created_at: DefaultTimestamp;
}
export interface ModulationGridTable {
  id: Id;
  departement_code: string;
  year: number;
  version: number;
  criteria: Json;
  created_by: string;
  created_at: DefaultTimestamp;
}
export interface StructureModulationTable {
  structure_id: number;
  year: number;
  grid_id: number;
  penitentiary: DefaultBool;
  proposed_percent: Numeric;
  decided_percent: NumericNullable;
  override_reason: string | null;
  socle_total: Numeric;
  amount: NumericNullable;
  criteria: Json;
  updated_at: DefaultTimestamp;
}
export interface DialogueSheetTable {
  structure_id: number;
  year: number;
  conclusions: DefaultText;
  next_objectives: ColumnType<unknown, string | undefined, string>;
  updated_by: string;
  updated_at: DefaultTimestamp;
}
export interface NotifiedEnvelopeTable {
  departement_code: string;
  year: number;
  funding_line_code: string;
  amount: Numeric;
  notified_on: string | null;
}
export interface Database {
  schema_migration: SchemaMigrationTable;
  reference_data_version: ReferenceDataVersionTable;
  ref_region: RefRegionTable;
  ref_departement: RefDepartementTable;
  ref_departement_asp_code: RefDepartementAspCodeTable;
  ref_commune: RefCommuneTable;
  ref_postal_code: RefPostalCodeTable;
  ref_public_holiday: RefPublicHolidayTable;
  ref_mesure: RefMesureTable;
  ref_exit_category: RefExitCategoryTable;
  ref_exit_motif: RefExitMotifTable;
  ref_eligibility_criterion: RefEligibilityCriterionTable;
  ref_education_level: RefCodeLabelTable;
  ref_orienteur: RefCodeLabelTable;
  ref_barrier: RefCodeLabelTable;
  ref_aid_rate: RefAidRateTable;
  ref_annual_hours: RefAnnualHoursTable;
  funding_line: FundingLineTable;
  structure_group: StructureGroupTable;
  structure: StructureTable;
  structure_group_member: StructureGroupMemberTable;
  site: SiteTable;
  convention: ConventionTable;
  financial_annex: FinancialAnnexTable;
  financial_annex_funding: FinancialAnnexFundingTable;
  person: PersonTable;
  person_asp_id: PersonAspIdTable;
  pii_key: PiiKeyTable;
  eligibility_diagnosis: EligibilityDiagnosisTable;
  eligibility_diagnosis_criterion: EligibilityDiagnosisCriterionTable;
  approval: ApprovalTable;
  approval_suspension: ApprovalSuspensionTable;
  approval_prolongation: ApprovalProlongationTable;
  contract: ContractTable;
  monthly_declaration: MonthlyDeclarationTable;
  ai_placement_derogation: AiPlacementDerogationTable;
  support_action: SupportActionTable;
  support_action_barrier: SupportActionBarrierTable;
  training: TrainingTable;
  exit: ExitTable;
  follow_up: FollowUpTable;
  app_user: AppUserTable;
  membership: MembershipTable;
  invitation: InvitationTable;
  user_session: UserSessionTable;
  audit_event: AuditEventTable;
  import_run: ImportRunTable;
  import_rejection: ImportRejectionTable;
  demo_state: DemoStateTable;
  job: JobTable;
  job_file_chunk: JobFileChunkTable;
  job_result_chunk: JobResultChunkTable;
  job_outcome: JobOutcomeTable;
  financing_request: FinancingRequestTable;
  financing_request_event: FinancingRequestEventTable;
  financing_request_attachment: FinancingRequestAttachmentTable;
  controle_campaign: ControleCampaignTable;
  controle_structure: ControleStructureTable;
  controle_hiring: ControleHiringTable;
  controle_criterion: ControleCriterionTable;
  controle_proof: ControleProofTable;
  modulation_grid: ModulationGridTable;
  structure_modulation: StructureModulationTable;
  dialogue_sheet: DialogueSheetTable;
  notified_envelope: NotifiedEnvelopeTable;
}

/** The personal-data key in use, by fingerprint, and the hashing salt it wraps (src/security/keyBinding.ts). */
export interface PiiKeyTable {
  singleton: Generated<boolean>;
  fingerprint: string;
  hash_salt_encrypted: string;
  recorded_at: Generated<Date>;
  rotated_at: Date | null;
}

export type Structure = Selectable<StructureTable>;
export type NewStructure = Insertable<StructureTable>;
export type StructureUpdate = Updateable<StructureTable>;
export type FinancialAnnex = Selectable<FinancialAnnexTable>;
export type NewFinancialAnnex = Insertable<FinancialAnnexTable>;
export type Person = Selectable<PersonTable>;
export type Contract = Selectable<ContractTable>;
export type MonthlyDeclaration = Selectable<MonthlyDeclarationTable>;
export type AppUser = Selectable<AppUserTable>;

/** The query builder every module receives (one typed handle over either engine). */
export type Db = Kysely<Database>;
