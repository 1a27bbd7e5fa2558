"""Labs: exercises an instructor hands out and collects, as data, with every answer checked on the server.

The pipeline, one module a step:

    definition (labs/<lab-id>/lab.yaml, validated against lab.schema.json)
      -> variants   (each learner's seed from the classroom's secret; their files, made by the simulator)
      -> expected   (the answers, derived from that learner's own files: truth.json, the detector's report,
                     or what an alteration did; never shown to the learner)
      -> checking   (normalise a submission by answer type, compare, feedback, partial credit)
      -> handout    (the learner's folder: files and questions, no answers)
      -> solutions  (each lab's reference solution, run from the learner's files alone)
"""
