package io.dbbackup.controller.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.informer.InformerConfiguration;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfig;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResourceConfigBuilder;

/** How every child of both reconcilers is configured: plain create/update, no server-side apply. */
final class PlainDependents {
  private PlainDependents() {}

  /**
   * SSA off, and an informer on the children of {@code type} that {@code labelSelector} selects.
   */
  static <R extends HasMetadata> KubernetesDependentResourceConfig<R> config(
      Class<R> type, String labelSelector) {
    return new KubernetesDependentResourceConfigBuilder<R>()
        .withUseSSA(false)
        .withKubernetesDependentInformerConfig(
            InformerConfiguration.builder(type).withLabelSelector(labelSelector).build())
        .build();
  }
}
