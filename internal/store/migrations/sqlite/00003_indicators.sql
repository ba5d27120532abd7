-- +goose Up
-- The schema and catalogue of the PostgreSQL migration of the same number.
-- Values are REAL, read back rounded to 4 places: exact for 4-decimal
-- values within numeric(14,4)'s range, which the domain enforces.
CREATE TABLE indicators (
    code             TEXT PRIMARY KEY,
    name_id          TEXT NOT NULL,
    name_en          TEXT NOT NULL,
    unit             TEXT NOT NULL DEFAULT '',
    framework        TEXT,
    dimension        TEXT,
    number           INTEGER,
    min_value        REAL,
    max_value        REAL,
    higher_is_better BOOLEAN NOT NULL DEFAULT TRUE,
    created_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE indicator_values (
    region_code    TEXT NOT NULL REFERENCES regions (code),
    indicator_code TEXT NOT NULL REFERENCES indicators (code),
    year           INTEGER NOT NULL,
    value          REAL NOT NULL,
    source         TEXT NOT NULL DEFAULT '',
    import_id      TEXT,
    updated_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (region_code, indicator_code, year)
) WITHOUT ROWID;

CREATE INDEX indicator_values_indicator ON indicator_values (indicator_code, year, region_code);

-- The 50 indicators of the Indeks Desa Membangun (Permendesa PDTT No. 2
-- Tahun 2016) as the Kemendesa IDM open API labels them (2024): 35 of the
-- social (IKS), 12 of the economic (IKE) and 3 of the ecological (IKL)
-- resilience index, each scored as a whole number from 0 to 5. name_id is
-- the API's label without its "Skor " prefix. IDM orients every indicator
-- score so that a higher score is better, including those named after a
-- hardship (Konflik, PMKS, Rawan Bencana: 5 means the least of it), so
-- higher_is_better is TRUE for all 50.
INSERT INTO indicators (code, name_id, name_en, unit, framework, dimension, number, min_value, max_value, higher_is_better) VALUES
    ('idm_iks_01', 'Akses Sarkes',                         'Access to health facilities',                                                          'score', 'idm', 'iks',  1, 0, 5, TRUE),
    ('idm_iks_02', 'Dokter',                               'Doctors',                                                                              'score', 'idm', 'iks',  2, 0, 5, TRUE),
    ('idm_iks_03', 'Bidan',                                'Midwives',                                                                             'score', 'idm', 'iks',  3, 0, 5, TRUE),
    ('idm_iks_04', 'Nakes Lain',                           'Other health workers',                                                                 'score', 'idm', 'iks',  4, 0, 5, TRUE),
    ('idm_iks_05', 'Tingkat Kepesertaan BPJS',             'National health insurance (BPJS) membership',                                          'score', 'idm', 'iks',  5, 0, 5, TRUE),
    ('idm_iks_06', 'Akses Poskesdes',                      'Access to a village health post (Poskesdes)',                                          'score', 'idm', 'iks',  6, 0, 5, TRUE),
    ('idm_iks_07', 'Aktivitas Posyandu',                   'Integrated health post (Posyandu) activity',                                           'score', 'idm', 'iks',  7, 0, 5, TRUE),
    ('idm_iks_08', 'Akses SD/MI',                          'Access to primary schools (SD/MI)',                                                    'score', 'idm', 'iks',  8, 0, 5, TRUE),
    ('idm_iks_09', 'Akses SMP/MTS',                        'Access to junior secondary schools (SMP/MTs)',                                         'score', 'idm', 'iks',  9, 0, 5, TRUE),
    ('idm_iks_10', 'Akses SMA/SMK',                        'Access to senior secondary schools (SMA/SMK)',                                         'score', 'idm', 'iks', 10, 0, 5, TRUE),
    ('idm_iks_11', 'Ketersediaan PAUD',                    'Early childhood education (PAUD) available',                                           'score', 'idm', 'iks', 11, 0, 5, TRUE),
    ('idm_iks_12', 'Ketersediaan PKBM/ Paket ABC',         'Community learning centres (PKBM) / equivalency programmes (Paket A, B, C) available', 'score', 'idm', 'iks', 12, 0, 5, TRUE),
    ('idm_iks_13', 'Ketersediaan Kursus',                  'Training courses available',                                                           'score', 'idm', 'iks', 13, 0, 5, TRUE),
    ('idm_iks_14', 'Ketersediaan Taman Baca/ Perpus Desa', 'Reading corners / village library available',                                          'score', 'idm', 'iks', 14, 0, 5, TRUE),
    ('idm_iks_15', 'Kebiasaan Goryong',                    'Practice of mutual self-help (gotong royong)',                                         'score', 'idm', 'iks', 15, 0, 5, TRUE),
    ('idm_iks_16', 'Frekuensi Goryong',                    'Frequency of mutual self-help (gotong royong)',                                        'score', 'idm', 'iks', 16, 0, 5, TRUE),
    ('idm_iks_17', 'Ketersediaan Ruang Publik',            'Public open space available',                                                          'score', 'idm', 'iks', 17, 0, 5, TRUE),
    ('idm_iks_18', 'Kelompok OR',                          'Sports groups',                                                                        'score', 'idm', 'iks', 18, 0, 5, TRUE),
    ('idm_iks_19', 'Kegiatan OR',                          'Sports activities',                                                                    'score', 'idm', 'iks', 19, 0, 5, TRUE),
    ('idm_iks_20', 'Keragaman Agama',                      'Religious diversity',                                                                  'score', 'idm', 'iks', 20, 0, 5, TRUE),
    ('idm_iks_21', 'Keragaman Bahasa',                     'Language diversity',                                                                   'score', 'idm', 'iks', 21, 0, 5, TRUE),
    ('idm_iks_22', 'Keragaman Komunikasi',                 'Diversity of everyday communication',                                                  'score', 'idm', 'iks', 22, 0, 5, TRUE),
    ('idm_iks_23', 'Poskamling',                           'Community security posts (Poskamling)',                                                'score', 'idm', 'iks', 23, 0, 5, TRUE),
    ('idm_iks_24', 'Siskamling',                           'Neighbourhood watch (Siskamling)',                                                     'score', 'idm', 'iks', 24, 0, 5, TRUE),
    ('idm_iks_25', 'Konflik',                              'Social conflict',                                                                      'score', 'idm', 'iks', 25, 0, 5, TRUE),
    ('idm_iks_26', 'PMKS',                                 'Social welfare problem groups (PMKS)',                                                 'score', 'idm', 'iks', 26, 0, 5, TRUE),
    ('idm_iks_27', 'SLB',                                  'Special needs schools (SLB)',                                                          'score', 'idm', 'iks', 27, 0, 5, TRUE),
    ('idm_iks_28', 'Akses Listrik',                        'Access to electricity',                                                                'score', 'idm', 'iks', 28, 0, 5, TRUE),
    ('idm_iks_29', 'Sinyal Tlp',                           'Phone signal',                                                                         'score', 'idm', 'iks', 29, 0, 5, TRUE),
    ('idm_iks_30', 'Internet Kantor Desa',                 'Internet at the village office',                                                       'score', 'idm', 'iks', 30, 0, 5, TRUE),
    ('idm_iks_31', 'Akses Internet Warga',                 'Residents'' internet access',                                                          'score', 'idm', 'iks', 31, 0, 5, TRUE),
    ('idm_iks_32', 'Akses Jamban',                         'Access to toilets',                                                                    'score', 'idm', 'iks', 32, 0, 5, TRUE),
    ('idm_iks_33', 'Sampah',                               'Waste disposal',                                                                       'score', 'idm', 'iks', 33, 0, 5, TRUE),
    ('idm_iks_34', 'Air Minum',                            'Drinking water',                                                                       'score', 'idm', 'iks', 34, 0, 5, TRUE),
    ('idm_iks_35', 'Air Mandi & Cuci',                     'Water for bathing and washing',                                                        'score', 'idm', 'iks', 35, 0, 5, TRUE),
    ('idm_ike_01', 'Keragaman Produksi',                   'Diversity of production',                                                              'score', 'idm', 'ike',  1, 0, 5, TRUE),
    ('idm_ike_02', 'Pertokoan',                            'Shops and shopping centres',                                                           'score', 'idm', 'ike',  2, 0, 5, TRUE),
    ('idm_ike_03', 'Pasar',                                'Markets',                                                                              'score', 'idm', 'ike',  3, 0, 5, TRUE),
    ('idm_ike_04', 'Toko/ Warung Kelontong',               'Grocery shops and stalls (warung kelontong)',                                          'score', 'idm', 'ike',  4, 0, 5, TRUE),
    ('idm_ike_05', 'Kedai & Penginapan',                   'Eateries and lodging',                                                                 'score', 'idm', 'ike',  5, 0, 5, TRUE),
    ('idm_ike_06', 'POS & Logistik',                       'Postal and logistics services',                                                        'score', 'idm', 'ike',  6, 0, 5, TRUE),
    ('idm_ike_07', 'Bank & BPR',                           'Banks and rural banks (BPR)',                                                          'score', 'idm', 'ike',  7, 0, 5, TRUE),
    ('idm_ike_08', 'Kredit',                               'Access to credit',                                                                     'score', 'idm', 'ike',  8, 0, 5, TRUE),
    ('idm_ike_09', 'Lembaga Ekonomi',                      'Economic institutions',                                                                'score', 'idm', 'ike',  9, 0, 5, TRUE),
    ('idm_ike_10', 'Moda Transportasi Umum',               'Public transport',                                                                     'score', 'idm', 'ike', 10, 0, 5, TRUE),
    ('idm_ike_11', 'Keterbukaan Wilayah',                  'Openness of the area',                                                                 'score', 'idm', 'ike', 11, 0, 5, TRUE),
    ('idm_ike_12', 'Kualitas Jalan',                       'Road quality',                                                                         'score', 'idm', 'ike', 12, 0, 5, TRUE),
    ('idm_ikl_01', 'Kualitas Lingkungan',                  'Environmental quality',                                                                'score', 'idm', 'ikl',  1, 0, 5, TRUE),
    ('idm_ikl_02', 'Rawan Bencana',                        'Disaster proneness',                                                                   'score', 'idm', 'ikl',  2, 0, 5, TRUE),
    ('idm_ikl_03', 'Tanggap Bencana',                      'Disaster response',                                                                    'score', 'idm', 'ikl',  3, 0, 5, TRUE);


-- +goose Down
DROP TABLE indicator_values;
DROP TABLE indicators;
