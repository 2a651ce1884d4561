-- Sequence of PASS IAE numbers issued by the platform (99999 + 7 digits, iae-reference §5):
-- the clear number is never stored (only encrypted + hashed), so the next number cannot be read
-- back from the approval table.
CREATE SEQUENCE pass_number_seq MINVALUE 1 MAXVALUE 9999999 NO CYCLE;
