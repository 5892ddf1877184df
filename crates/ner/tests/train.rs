//! Training end to end on a tiny BIO file: deterministic, learns its data,
//! and the written model reads back.

use std::path::PathBuf;

use zhen_core::{ByteRange, Word};
use zhen_ner::{read_bio, train, BioSentence, NerModel, TagOptions, Text, TrainOptions};

/// The model's entities of a BIO sentence, as token spans.
fn tag_bio(
    m: &NerModel,
    s: &BioSentence,
    opts: &TagOptions,
) -> Vec<(usize, usize, zhen_core::Label)> {
    let found = m.tag_tokens(&[&s.token_strs()], opts).unwrap();
    found.into_iter().flatten().map(Into::into).collect()
}

/// Writes `m`, reads the file back and writes the model read: the two files
/// must be the same bytes. Returns the file and the model read back.
fn assert_round_trip(m: &NerModel, what: &str) -> (Vec<u8>, NerModel) {
    let mut bytes = Vec::new();
    m.write(&mut bytes).unwrap();
    let back = NerModel::read(&bytes[..]).unwrap();
    let mut again = Vec::new();
    back.write(&mut again).unwrap();
    assert!(
        bytes == again,
        "{what}: written, read back and written again, the file changed ({} -> {} bytes)",
        bytes.len(),
        again.len()
    );
    (bytes, back)
}

fn tiny() -> PathBuf {
    let mut text = String::new();
    let sents = [
        ("张三在北京工作", vec![(0, 2, "PER"), (3, 5, "LOC")]),
        ("李四去上海", vec![(0, 2, "PER"), (3, 5, "LOC")]),
        ("新华社报道", vec![(0, 3, "ORG")]),
        ("王五在新华社", vec![(0, 2, "PER"), (3, 6, "ORG")]),
    ];
    for (s, ents) in sents {
        for (i, c) in s.chars().enumerate() {
            let tag = ents
                .iter()
                .find(|e| e.0 <= i && i < e.1)
                .map(|e| format!("{}-{}", if e.0 == i { "B" } else { "I" }, e.2))
                .unwrap_or_else(|| "O".into());
            text.push_str(&format!("{c}\t{tag}\n"));
        }
        text.push('\n');
    }
    // one directory per call: the tests run in parallel threads
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let k = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("zhen-ner-train-{}-{k}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("tiny.bio");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn trains_deterministically_and_fits_its_data() {
    let p = tiny();
    let opts = TrainOptions {
        epochs: 5,
        verbose: false,
        ..TrainOptions::default()
    };
    let m1 = train("zh", std::slice::from_ref(&p), Some(&p), opts.clone()).unwrap();
    let m2 = train("zh", std::slice::from_ref(&p), None, opts.clone()).unwrap();
    let m3 = train("zh", std::slice::from_ref(&p), None, opts).unwrap();
    let (_, back) = assert_round_trip(&m1, "a trained model");
    let mut b2 = Vec::new();
    m2.write(&mut b2).unwrap();
    for s in read_bio(&p).unwrap() {
        assert_eq!(
            tag_bio(&back, &s, &TagOptions::default()),
            s.spans(),
            "{:?}",
            s.tokens
        );
    }
    assert_eq!(m1.labels().len(), 3);
    let mut b3 = Vec::new();
    m3.write(&mut b3).unwrap();
    assert_eq!(b2, b3, "same data and seed must give the same model");
    let e = train("xx", &[p], None, TrainOptions::default()).unwrap_err();
    assert!(e.to_string().contains("unknown language \"xx\""), "{e}");
}

#[test]
fn english_word_clusters_are_features_stored_in_the_model() {
    let dir = std::env::temp_dir().join(format!("zhen-ner-clusters-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bio = dir.join("en.bio");
    std::fs::write(
        &bio,
        "Smith\tB-PER\nvisited\tO\nParis\tB-LOC\n.\tO\n\nJones\tB-PER\nleft\tO\nLondon\tB-LOC\n\n",
    )
    .unwrap();
    let clusters = dir.join("clusters.tsv");
    std::fs::write(
        &clusters,
        "smith\t1\t10\t100\njones\t1\t10\t101\nparis\t2\t20\nlondon\t2\t20\t200\n",
    )
    .unwrap();
    let plain = TrainOptions {
        epochs: 3,
        verbose: false,
        flags: 63,
        ..TrainOptions::default()
    };
    let with = TrainOptions {
        clusters: Some(clusters.clone()),
        ..plain.clone()
    };
    let a = train("en", std::slice::from_ref(&bio), None, plain).unwrap();
    let b = train("en", std::slice::from_ref(&bio), None, with).unwrap();
    assert_eq!(a.flags() & zhen_ner::flags::CLUSTERS, 0);
    assert_ne!(b.flags() & zhen_ner::flags::CLUSTERS, 0);
    assert_eq!((a.cluster_len(), b.cluster_len()), (0, 4));
    let (_, back) = assert_round_trip(&b, "a model with English word clusters");
    let toks: &[&str] = &["Jones", "visited", "London"];
    let opts = TagOptions::default();
    assert_eq!(
        back.tag_tokens(&[toks], &opts).unwrap(),
        b.tag_tokens(&[toks], &opts).unwrap()
    );

    // an English cluster file is not a Chinese one: the error names the line
    let zh = TrainOptions {
        clusters: Some(clusters.clone()),
        verbose: false,
        ..TrainOptions::default()
    };
    let e = train("zh", &[tiny()], None, zh).unwrap_err().to_string();
    assert!(e.contains("clusters.tsv:1:") && e.contains("`c:X`"), "{e}");

    std::fs::write(&clusters, "smith\t1\nparis\tx\n").unwrap();
    let bad = TrainOptions {
        clusters: Some(clusters),
        verbose: false,
        ..TrainOptions::default()
    };
    let e = train("en", &[bio], None, bad).unwrap_err().to_string();
    assert!(e.contains("clusters.tsv:2:"), "{e}");
}

#[test]
fn segment_and_second_unit_models_fit_their_data_and_take_given_words() {
    let p = tiny();
    let lex = p.with_file_name("places.tsv");
    std::fs::write(&lex, "北京\tPLACE\n上海\tPLACE|LOC\n").unwrap();
    let flags = zhen_ner::flags::DEFAULT | zhen_ner::flags::SEGMENTS | zhen_ner::flags::SECOND_PER;
    let opts = TrainOptions {
        epochs: 5,
        verbose: false,
        flags,
        lexicons: vec![lex],
        ..TrainOptions::default()
    };
    // word features need words: no segmenter, no model
    let e = train("zh", std::slice::from_ref(&p), None, opts.clone()).unwrap_err();
    assert!(e.to_string().contains("need a segmenter"), "{e}");
    let seg = zhen_tokenize::Tokenizer::jieba_only();
    let opts = TrainOptions {
        segmenter: Some(&seg),
        ..opts
    };
    let m = train("zh", std::slice::from_ref(&p), Some(&p), opts).unwrap();
    assert!(m.uses_segments());
    assert_eq!(m.flags(), flags);
    let (_, back) = assert_round_trip(&m, "a model with word features");
    assert!(back.uses_segments());
    let with_seg = TagOptions {
        consistency: false,
        segmenter: Some(&seg),
    };
    for s in read_bio(&p).unwrap() {
        assert_eq!(tag_bio(&back, &s, &with_seg), s.spans(), "{:?}", s.tokens);
        // the words the pipeline hands over give what the segmenter cuts
        let text = s.tokens.concat();
        let words = zhen_core::Segmenter::segment(&seg, &text);
        let given = [Text {
            text: &text,
            words: Some(&words),
        }];
        assert_eq!(
            back.tag_text(&given, &TagOptions::default()).unwrap(),
            back.tag_text(&[Text::from(text.as_str())], &with_seg)
                .unwrap()
        );
    }
    // other words are other features: one character per word changes scores
    // but must still give valid, in-bounds entities
    let text = "张三在北京工作";
    let singles: Vec<Word> = text
        .char_indices()
        .map(|(b, c)| Word {
            range: ByteRange::new(b, b + c.len_utf8()),
            tag: "x",
        })
        .collect();
    let given = [Text {
        text,
        words: Some(&singles),
    }];
    for m in back
        .tag_text(&given, &TagOptions::default())
        .unwrap()
        .remove(0)
    {
        let r = m.range;
        assert!(
            text.is_char_boundary(r.start) && text.is_char_boundary(r.end) && r.end <= text.len()
        );
    }
}

#[test]
fn unknown_lexicon_category_names_file_and_line() {
    let p = tiny();
    let lex = p.with_file_name("bad.tsv");
    std::fs::write(&lex, "北京\tPLACE\n上海\tHAMLET\n").unwrap();
    let opts = TrainOptions {
        epochs: 1,
        verbose: false,
        lexicons: vec![lex.clone()],
        ..TrainOptions::default()
    };
    let e = train("zh", &[p], None, opts).unwrap_err().to_string();
    assert!(
        e.contains("bad.tsv:2: unknown lexicon category \"HAMLET\""),
        "{e}"
    );
    assert!(e.contains("PLACE"), "{e}");
}

#[test]
fn model_with_unknown_feature_flags_is_refused() {
    let p = tiny();
    let opts = TrainOptions {
        epochs: 1,
        verbose: false,
        id: Some("t".into()),
        ..TrainOptions::default()
    };
    let m = train("zh", &[p], None, opts).unwrap();
    let mut b = Vec::new();
    m.write(&mut b).unwrap();
    // format v3: the `meta` section is the first in the section table; in
    // it "zh" and "t" (u32 length + bytes), the English byte, then the flags
    let meta = u64::from_le_bytes(b[40..48].try_into().unwrap()) as usize;
    assert_eq!(&b[24..28], b"meta");
    let at = meta + (4 + 2) + (4 + 1) + 1;
    let fl = u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
    assert_eq!(fl, zhen_ner::flags::DEFAULT);
    // the lowest bit no flag uses, with a valid checksum, as a newer zhen
    // would write it
    let unknown = 1u32 << (!zhen_ner::flags::KNOWN).trailing_zeros();
    b[at..at + 4].copy_from_slice(&(fl | unknown).to_le_bytes());
    b[16..20].fill(0);
    let crc = crc32fast::hash(&b);
    b[16..20].copy_from_slice(&crc.to_le_bytes());
    let e = NerModel::read(&b[..]).unwrap_err().to_string();
    assert!(e.contains("unknown to this version"), "{e}");
}

#[test]
fn name_lists_script_writes_lists_of_the_training_names_only() {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/name-lists");
    if std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("python3 not found: skipped");
        return;
    }
    let p = tiny();
    let out = p.with_file_name("lists.bio");
    let run = |o: &std::path::Path| {
        let st = std::process::Command::new("python3")
            .arg(&script)
            .arg(&p)
            .arg(o)
            .args(["20", "3"])
            .status()
            .unwrap();
        assert!(st.success());
        std::fs::read(o).unwrap()
    };
    let a = run(&out);
    let b = run(&p.with_file_name("lists2.bio"));
    assert_eq!(a, b, "same input and seed, same lists");
    let names: std::collections::HashSet<String> = read_bio(&p)
        .unwrap()
        .iter()
        .flat_map(|s| {
            s.spans()
                .into_iter()
                .filter(|x| x.2.as_str() == "PER")
                .map(|(x, y, _)| s.tokens[x..y].concat())
                .collect::<Vec<_>>()
        })
        .collect();
    let lists = read_bio(&out).unwrap();
    assert_eq!(lists.len(), 20);
    for s in &lists {
        let spans = s.spans();
        assert!(spans.len() >= 8, "{:?}", s.tokens);
        for (x, y, l) in spans {
            assert_eq!(l.as_str(), "PER");
            let n = s.tokens[x..y].concat();
            assert!(names.contains(&n), "{n} is not a training name");
        }
    }
}

#[test]
fn chinese_clusters_are_features_stored_in_the_model() {
    let p = tiny();
    let clusters = p.with_file_name("clusters-zh.tsv");
    std::fs::write(
        &clusters,
        "c:张\t1\t10\t100\nc:李\t1\t10\t101\nb:北京\t2\t20\t200\nw:上海\t3\t30\t300\nw:新华社\t4\n",
    )
    .unwrap();
    let flags = zhen_ner::flags::DEFAULT | zhen_ner::flags::SEGMENTS;
    let seg = zhen_tokenize::Tokenizer::jieba_only();
    let plain = TrainOptions {
        epochs: 5,
        verbose: false,
        flags,
        segmenter: Some(&seg),
        ..TrainOptions::default()
    };
    let with = TrainOptions {
        clusters: Some(clusters.clone()),
        ..plain.clone()
    };
    let a = train("zh", std::slice::from_ref(&p), None, plain).unwrap();
    let b = train("zh", std::slice::from_ref(&p), None, with).unwrap();
    assert_eq!(a.flags() & zhen_ner::flags::CLUSTERS, 0);
    assert_ne!(b.flags() & zhen_ner::flags::CLUSTERS, 0);
    assert_eq!((a.cluster_len(), b.cluster_len()), (0, 5));
    assert!(
        b.num_features() > a.num_features(),
        "cluster features are learnt: {} vs {}",
        b.num_features(),
        a.num_features()
    );
    let (_, back) = assert_round_trip(&b, "a model with Chinese clusters");
    for s in read_bio(&p).unwrap() {
        let with_seg = TagOptions {
            consistency: false,
            segmenter: Some(&seg),
        };
        assert_eq!(tag_bio(&back, &s, &with_seg), s.spans(), "{:?}", s.tokens);
    }

    // bad entries name the file and line
    for bad in [
        "c:张三\t1\n",
        "x:张\t1\n",
        "w:\t1\n",
        "c:张\t1\t2\t3\t4\n",
        "c:张\t1023\n",
    ] {
        std::fs::write(&clusters, format!("c:王\t5\n{bad}")).unwrap();
        let opts = TrainOptions {
            clusters: Some(clusters.clone()),
            verbose: false,
            ..TrainOptions::default()
        };
        let e = train("zh", std::slice::from_ref(&p), None, opts)
            .unwrap_err()
            .to_string();
        assert!(e.contains("clusters-zh.tsv:2:"), "{bad:?}: {e}");
    }
}

#[test]
fn other_conventions_train_shared_weights_but_leave_their_copies_out() {
    let p = tiny();
    // the same sentences with another convention: organisations are not tagged
    let other = p.with_file_name("other.bio");
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replace("B-ORG", "O")
        .replace("I-ORG", "O");
    std::fs::write(&other, text).unwrap();
    let opts = TrainOptions {
        epochs: 5,
        verbose: false,
        ..TrainOptions::default()
    };
    let main = train("zh", std::slice::from_ref(&p), None, opts.clone()).unwrap();
    let both = train(
        "zh",
        std::slice::from_ref(&p),
        None,
        TrainOptions {
            other_conventions: vec![other.clone()],
            ..opts.clone()
        },
    )
    .unwrap();
    // the private copies took the other file's convention: the shared
    // weights still tag the main file's organisations
    for s in read_bio(&p).unwrap() {
        assert_eq!(
            tag_bio(&both, &s, &TagOptions::default()),
            s.spans(),
            "{:?}",
            s.tokens
        );
    }
    // (that the private copies never reach the model is checked in
    // train.rs's unit tests, which see the feature keys)
    assert!(main.num_features() > 0);
    let e = train(
        "zh",
        std::slice::from_ref(&p),
        None,
        TrainOptions {
            other_conventions: vec![p.with_file_name("missing.bio")],
            ..opts
        },
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("missing.bio"), "{e}");
}

#[test]
fn averaged_training_is_the_average_of_the_seeds_pruned() {
    let p = tiny();
    let opts = TrainOptions {
        epochs: 4,
        verbose: false,
        ..TrainOptions::default()
    };
    let files = std::slice::from_ref(&p);
    let one = |seed| {
        train(
            "zh",
            files,
            None,
            TrainOptions {
                seed,
                ..opts.clone()
            },
        )
        .unwrap()
    };
    let (a, b) = (one(3), one(9));
    let mut want = NerModel::average(&[&a, &b]).unwrap();
    want.prune(200);
    let got = zhen_ner::train_averaged("zh", files, None, opts.clone(), &[3, 9], 200).unwrap();
    let (mut wb, mut gb) = (Vec::new(), Vec::new());
    want.write(&mut wb).unwrap();
    got.write(&mut gb).unwrap();
    assert_eq!(
        wb, gb,
        "train_averaged = average of the single runs, pruned"
    );
    // one seed: that run, unpruned with prune 0
    let single = zhen_ner::train_averaged("zh", files, None, opts.clone(), &[3], 0).unwrap();
    let (mut sb, mut ab) = (Vec::new(), Vec::new());
    single.write(&mut sb).unwrap();
    a.write(&mut ab).unwrap();
    assert_eq!(sb, ab);
    let e = zhen_ner::train_averaged("zh", files, None, opts, &[], 0)
        .unwrap_err()
        .to_string();
    assert!(e.contains("no seeds"), "{e}");
}

#[test]
fn passive_aggressive_and_loss_augmented_training_fit_their_data() {
    let p = tiny();
    let plain = TrainOptions {
        epochs: 5,
        verbose: false,
        ..TrainOptions::default()
    };
    let mut bytes = Vec::new();
    for (pa, cost) in [(1.0, 0.0), (0.0, 2.0), (1.0, 1.0)] {
        let opts = TrainOptions {
            pa,
            cost,
            ..plain.clone()
        };
        let m = train("zh", std::slice::from_ref(&p), None, opts).unwrap();
        for s in read_bio(&p).unwrap() {
            assert_eq!(
                tag_bio(&m, &s, &TagOptions::default()),
                s.spans(),
                "pa {pa}, cost {cost}: {:?}",
                s.tokens
            );
        }
        let mut b = Vec::new();
        m.write(&mut b).unwrap();
        bytes.push(b);
    }
    let mut b = Vec::new();
    train("zh", std::slice::from_ref(&p), None, plain.clone())
        .unwrap()
        .write(&mut b)
        .unwrap();
    // the step size changes the weights
    assert_ne!(
        bytes[0], b,
        "PA updates train another model than the perceptron"
    );
    for (pa, cost) in [(-1.0, 0.0), (0.0, f32::NAN)] {
        let bad = TrainOptions {
            pa,
            cost,
            ..plain.clone()
        };
        let e = train("zh", std::slice::from_ref(&p), None, bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("must be a finite number of at least 0"), "{e}");
    }
}

#[test]
fn second_order_models_fit_their_data_average_and_read_back() {
    let p = tiny();
    let fl = zhen_ner::flags::DEFAULT | zhen_ner::flags::SECOND_ORDER;
    let opts = TrainOptions {
        epochs: 5,
        flags: fl,
        verbose: false,
        ..TrainOptions::default()
    };
    let files = std::slice::from_ref(&p);
    let m = train("zh", files, Some(&p), opts.clone()).unwrap();
    assert_eq!(m.flags(), fl);
    let (b, back) = assert_round_trip(&m, "a second-order model");
    for s in read_bio(&p).unwrap() {
        assert_eq!(
            tag_bio(&back, &s, &TagOptions::default()),
            s.spans(),
            "{:?}",
            s.tokens
        );
    }
    // the first-order model of the same data and seed is another file
    let first = train(
        "zh",
        files,
        Some(&p),
        TrainOptions {
            flags: zhen_ner::flags::DEFAULT,
            ..opts.clone()
        },
    )
    .unwrap();
    let mut fb = Vec::new();
    first.write(&mut fb).unwrap();
    assert!(fb.len() < b.len(), "the trigram scores are stored");
    // averaging keeps the decoder
    let avg = zhen_ner::train_averaged("zh", files, None, opts.clone(), &[3, 9], 0).unwrap();
    assert_eq!(avg.flags(), fl);
    for s in read_bio(&p).unwrap() {
        assert_eq!(tag_bio(&avg, &s, &TagOptions::default()), s.spans());
    }
    // a second-order model and a first-order one are not averaged
    let e = NerModel::average(&[&m, &first]).unwrap_err().to_string();
    assert!(e.contains("cannot average"), "{e}");
    // PA steps count the trigrams too, and still fit the data
    let pa = train("zh", files, None, TrainOptions { pa: 1.0, ..opts }).unwrap();
    for s in read_bio(&p).unwrap() {
        assert_eq!(tag_bio(&pa, &s, &TagOptions::default()), s.spans());
    }
}
