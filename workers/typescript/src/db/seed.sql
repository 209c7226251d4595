-- Demo data for the local stack and the tests. Fixed ids, so running it twice changes nothing.
INSERT INTO patient_events (event_id, patient_id, kind, occurred_at, note) VALUES
  (1, 'patient-001', 'admission',  '2025-01-10T08:15:00Z', 'Admitted to ward 3 with chest pain'),
  (2, 'patient-001', 'lab_result', '2025-01-10T09:40:00Z', 'Troponin within normal range'),
  (3, 'patient-001', 'medication', '2025-01-10T10:05:00Z', 'Aspirin 300 mg'),
  (4, 'patient-001', 'lab_result', '2025-01-11T07:30:00Z', ''),
  (5, 'patient-001', 'discharge',  '2025-01-12T16:00:00Z', 'Discharged home, follow-up in 2 weeks'),
  (6, 'patient-002', 'admission',  '2025-02-01T22:10:00Z', 'Fall at home; Zoë''s daughter present'),
  (7, 'patient-002', 'other',      '2025-02-02T11:00:00Z', 'Physiotherapy assessment')
ON CONFLICT (event_id) DO NOTHING;

-- Keep the identity ahead of the fixed ids, so later inserts without an id do not collide.
SELECT setval(pg_get_serial_sequence('patient_events', 'event_id'),
              GREATEST((SELECT max(event_id) FROM patient_events), 1));
