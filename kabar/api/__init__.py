"""Kabar's discussion for other sites: the versioned JSON API (/api/v1/, described by its
OpenAPI document) and the embeddable widget's script. A thin layer over discussion: every
write goes through discussion's own functions, as the HTML forms' do."""
